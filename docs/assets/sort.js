/* Sort and filter the paper lists of topic pages and "Papers with code".
   Progressive enhancement: without this script the list is complete and newest first.
   Works offline, no dependencies. Rows carry data-date, data-upvotes, data-code; the title is the
   row's link text (a data-title would repeat every title on the page). */
(function () {
  "use strict";
  function titleOf(row) { return row.querySelector("a").textContent.trim().toLowerCase(); }
  var compare = {
    date: function (a, b) { return b.dataset.date.localeCompare(a.dataset.date); },
    upvotes: function (a, b) { return Number(b.dataset.upvotes) - Number(a.dataset.upvotes); },
    title: function (a, b) { return titleOf(a).localeCompare(titleOf(b)); }
  };

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function buildControls(controls) {
    controls.appendChild(document.createTextNode("Sort by "));
    ["date", "upvotes", "title"].forEach(function (key, index) {
      controls.appendChild(element("button", {
        type: "button", "class": "md-button", "data-sort": key, "aria-pressed": String(index === 0)
      }, key));
      controls.appendChild(document.createTextNode(" "));
    });
    var label = element("label", {});
    label.appendChild(element("input", { type: "checkbox", "data-filter": "code" }));
    label.appendChild(document.createTextNode(" has code"));
    controls.appendChild(label);
  }

  function setUp(controls) {
    var list = document.getElementById(controls.dataset.sortFor);
    if (!list || controls.dataset.ready) return;
    controls.dataset.ready = "1";
    buildControls(controls);
    var rows = Array.prototype.slice.call(list.children);
    rows.forEach(function (row, index) { row.dataset.position = index; });
    var buttons = controls.querySelectorAll("button[data-sort]");
    var filter = controls.querySelector("input[data-filter=code]");
    function sortBy(key) {
      var sorted = rows.slice().sort(function (a, b) {
        return compare[key](a, b) || Number(a.dataset.position) - Number(b.dataset.position);
      });
      sorted.forEach(function (row) { list.appendChild(row); });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.sort === key));
      });
    }
    buttons.forEach(function (button) {
      button.addEventListener("click", function () { sortBy(button.dataset.sort); });
    });
    filter.addEventListener("change", function () {
      rows.forEach(function (row) { row.hidden = filter.checked && row.dataset.code !== "1"; });
    });
    controls.hidden = false;
  }

  function setUpAll() {
    document.querySelectorAll(".paper-sort[data-sort-for]").forEach(setUp);
  }
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
