"""Stage 2b, remote: the public paper APIs, politely, with every answer kept in sources/cache/."""
