/* Search on demand (generator/pages/site.py header_engine, README "Search"). Material fetches its
   lunr index and starts its search worker at page load; this holds both back until the reader
   opens the search box, so a page that does not search downloads no index. When the
   catalogue is too big for lunr (data-engine="pagefind"), the header box queries Pagefind
   instead (assets/header-search.js) and lunr's index is never fetched.
   Loaded as a plain (blocking) script right before Material's bundle, which it must precede;
   a file rather than inline code so that browsers cache it once for every page. */
(function (engine, headerScript) {
  var started = false, held = [], workers = [], RealWorker = window.Worker;
  var send = XMLHttpRequest.prototype.send, open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.catalogueHeld = /search\/search_index\.json(\?|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (!this.catalogueHeld || (started && engine === "lunr")) return send.apply(this, args);
    held.push(function () { send.apply(request, args); });
  };
  function LazyWorker(url, options) { this.url = url; this.options = options; this.listeners = []; this.real = null; }
  LazyWorker.prototype.start = function () {
    if (this.real) return this.real;
    this.real = new RealWorker(this.url, this.options);
    for (var i = 0; i < this.listeners.length; i++) this.real.addEventListener.apply(this.real, this.listeners[i]);
    return this.real;
  };
  LazyWorker.prototype.addEventListener = function (type, listener, options) {
    if (this.real) this.real.addEventListener(type, listener, options); else this.listeners.push([type, listener, options]);
  };
  LazyWorker.prototype.removeEventListener = function (type, listener, options) {
    if (this.real) this.real.removeEventListener(type, listener, options);
    this.listeners = this.listeners.filter(function (entry) { return entry[0] !== type || entry[1] !== listener; });
  };
  LazyWorker.prototype.postMessage = function (message, transfer) { this.start().postMessage(message, transfer); };
  LazyWorker.prototype.terminate = function () { if (this.real) this.real.terminate(); };
  window.Worker = function (url, options) {
    if (!/workers\/search\.[^/]*\.js/.test(String(url))) return new RealWorker(url, options);
    var worker = new LazyWorker(url, options);
    workers.push(worker);
    return worker;
  };
  function start() {
    if (started) return;
    started = true;
    if (engine === "lunr") {
      workers.forEach(function (worker) { worker.start(); });
      held.splice(0).forEach(function (go) { go(); });
    } else {
      var script = document.createElement("script");
      script.type = "module";
      script.src = headerScript;
      document.head.appendChild(script);
    }
  }
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component=search-query]")) start();
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) start();
  });
  // Material's search dialog has no accessible name: give it one when the page is parsed.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".md-search[role=dialog]").forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");
    });
  });
})(document.currentScript.dataset.engine || "lunr", document.currentScript.dataset.headerScript);
