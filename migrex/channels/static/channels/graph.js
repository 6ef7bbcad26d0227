/* A small force-directed layout drawn as SVG: no library, no network access.
   Data: the JSON of #graph-data (nodes, edges), words of #graph-names. */
(function () {
  "use strict";
  var svg = document.getElementById("graph");
  var source = document.getElementById("graph-data");
  if (!svg || !source) return;
  var data = JSON.parse(source.textContent);
  var names = JSON.parse(document.getElementById("graph-names").textContent);
  var panel = document.getElementById("node-details");
  var NS = "http://www.w3.org/2000/svg";
  var W = 900, H = 600;
  var nodes = data.nodes, edges = data.edges, byId = {}, adjacency = {};

  nodes.forEach(function (n, i) {
    // A deterministic start (a spiral), so the same graph looks the same every time.
    var a = i * 2.399963, r = 12 * Math.sqrt(i + 1);
    n.x = W / 2 + r * Math.cos(a); n.y = H / 2 + r * Math.sin(a); n.vx = 0; n.vy = 0;
    n.r = (n.kind === "channel" ? 11 : n.kind === "person" || n.kind === "entity" ? 8 : 6) +
      (n.shared_by >= 2 ? 4 : 0);
    byId[n.id] = n; adjacency[n.id] = [];
  });
  edges = edges.filter(function (e) { return byId[e.source] && byId[e.target]; });
  edges.forEach(function (e) {
    adjacency[e.source].push({ id: e.target, edge: e });
    adjacency[e.target].push({ id: e.source, edge: e });
  });

  function tick(alpha) {
    var i, j, a, b, dx, dy, d2, d, f;
    for (i = 0; i < nodes.length; i++) {          // repulsion between every pair
      a = nodes[i];
      for (j = i + 1; j < nodes.length; j++) {
        b = nodes[j]; dx = a.x - b.x; dy = a.y - b.y;
        d2 = dx * dx + dy * dy || 0.01;
        f = 900 * alpha / d2; d = Math.sqrt(d2);
        a.vx += f * dx / d; a.vy += f * dy / d; b.vx -= f * dx / d; b.vy -= f * dy / d;
      }
    }
    edges.forEach(function (e) {                   // springs along the edges
      a = byId[e.source]; b = byId[e.target];
      dx = b.x - a.x; dy = b.y - a.y; d = Math.sqrt(dx * dx + dy * dy) || 0.01;
      f = (d - 45) * 0.05 * alpha;
      a.vx += f * dx / d; a.vy += f * dy / d; b.vx -= f * dx / d; b.vy -= f * dy / d;
    });
    nodes.forEach(function (n) {                   // a weak pull to the centre, then move
      n.vx += (W / 2 - n.x) * 0.004 * alpha; n.vy += (H / 2 - n.y) * 0.004 * alpha;
      n.vx *= 0.6; n.vy *= 0.6;
      n.x = Math.max(n.r + 2, Math.min(W - n.r - 2, n.x + n.vx));
      n.y = Math.max(n.r + 2, Math.min(H - n.r - 2, n.y + n.vy));
    });
  }

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  var edgeLayer = el("g", {}, svg), nodeLayer = el("g", {}, svg), labelLayer = el("g", {}, svg);
  edges.forEach(function (e) {
    e.line = el("line", { "class": "edge kind-" + e.kind }, edgeLayer);
  });
  nodes.forEach(function (n) {
    n.circle = el("circle", {
      "class": "node kind-" + n.kind, r: n.r, tabindex: "0", role: "button",
      "data-id": n.id, "aria-label": (names.kinds[n.kind] || n.kind) + ": " + n.label
    }, nodeLayer);
    el("title", {}, n.circle).textContent = n.label;
    n.circle.addEventListener("click", function () { select(n); });
    n.circle.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(n); }
    });
    if (n.kind !== "document" && n.kind !== "address" && n.kind !== "phone") {
      n.text = el("text", { "class": "node-label", dx: n.r + 3, dy: 3 }, labelLayer);
      n.text.textContent = n.label.length > 28 ? n.label.slice(0, 27) + "…" : n.label;
    }
  });

  function draw() {
    edges.forEach(function (e) {
      var a = byId[e.source], b = byId[e.target];
      e.line.setAttribute("x1", a.x.toFixed(1)); e.line.setAttribute("y1", a.y.toFixed(1));
      e.line.setAttribute("x2", b.x.toFixed(1)); e.line.setAttribute("y2", b.y.toFixed(1));
    });
    nodes.forEach(function (n) {
      n.circle.setAttribute("cx", n.x.toFixed(1)); n.circle.setAttribute("cy", n.y.toFixed(1));
      if (n.text) { n.text.setAttribute("x", n.x.toFixed(1)); n.text.setAttribute("y", n.y.toFixed(1)); }
    });
    fit();
  }

  function fit() {  // zoom to the drawing, keeping the 3:2 frame; room for labels on the right
    if (!nodes.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    nodes.forEach(function (n) {
      x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x); y1 = Math.max(y1, n.y);
    });
    var w = Math.max(x1 - x0 + 180, 540), h = Math.max(y1 - y0 + 60, 360);
    if (w / h > 1.5) h = w / 1.5; else w = h * 1.5;
    var cx = (x0 + x1 + 120) / 2, cy = (y0 + y1) / 2;
    svg.setAttribute("viewBox", [cx - w / 2, cy - h / 2, w, h].map(function (v) {
      return v.toFixed(1);
    }).join(" "));
  }

  function add(dl, term, value) {
    if (!value) return;
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term; dl.appendChild(dt);
    if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
    dl.appendChild(dd);
  }

  function select(n) {
    var near = {}; near[n.id] = true;
    adjacency[n.id].forEach(function (x) { near[x.id] = true; });
    nodes.forEach(function (m) {
      m.circle.classList.toggle("is-dim", !near[m.id]);
      m.circle.classList.toggle("is-selected", m === n);
      if (m.text) m.text.classList.toggle("is-dim", !near[m.id]);
    });
    edges.forEach(function (e) {
      e.line.classList.toggle("is-dim", e.source !== n.id && e.target !== n.id);
    });
    panel.textContent = "";
    var h = document.createElement("h3"); h.textContent = n.label; panel.appendChild(h);
    var dl = document.createElement("dl"); panel.appendChild(dl);
    add(dl, names.kind, names.kinds[n.kind] || n.kind);
    add(dl, names.source, n.source);
    add(dl, names.role, names.roles[n.role] || n.role);
    add(dl, names.birth_date, n.birth_date);
    add(dl, names.network, n.network ? "№ " + n.network : "");
    var list = document.createElement("ul");
    adjacency[n.id].forEach(function (x) {
      var li = document.createElement("li"), m = byId[x.id];
      var role = x.edge.role ? " (" + (names.roles[x.edge.role] || x.edge.role) + ")" : "";
      li.textContent = (names.edges[x.edge.kind] || x.edge.kind) + role + ": " + m.label;
      list.appendChild(li);
    });
    add(dl, names.neighbours, list.childNodes.length ? list : "");
    if (n.url) {
      var a = document.createElement("a"); a.href = n.url; a.textContent = names.open;
      panel.appendChild(a);
    }
  }

  var alpha = 1, steps = 0;
  function frame() {
    for (var k = 0; k < 3; k++) { tick(alpha); alpha *= 0.985; steps++; }
    draw();
    if (steps < 300 && alpha > 0.02) window.requestAnimationFrame(frame);
    else svg.setAttribute("data-settled", "true");
  }
  draw();
  window.requestAnimationFrame(frame);
})();
