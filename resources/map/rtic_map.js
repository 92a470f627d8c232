/* The console's live map: its layers, the updates Qt sends, and clicks sent back to Qt. */
/* global L, Supercluster, QWebChannel, qt */
"use strict";

window.RticMap = (function () {
  const CLUSTER_MAX_ZOOM = 16;
  // Rebuilding the cluster index for 100k reads takes a moment: live reads show at once as
  // "fresh" dots and join the clusters at most once a second.
  const REBUILD_INTERVAL_MS = 1000;
  const MAX_FRESH_DOTS = 2000;
  const TILE_WAIT_MS = 8000;
  const PRUNE_EVERY_MS = 30000;
  // A grid cell's side in degrees at zoom 0 (domain/map_grid.cell_degrees); it halves per zoom.
  const CELL_DEGREES_ZOOM_0 = 90;
  // Live reads over cells show as fresh dots, and join their cells this often.
  const CELL_FOLD_MS = 5000;
  const NOTICE_TEXT = "Map tiles unavailable \u2014 showing points on a plain background";
  const NO_TILES_TEXT = "No tile server is set \u2014 showing points on a plain background";
  const CATEGORY_COLOURS = {
    agency: "#1d4ed8", city: "#15803d", city_traffic: "#c2410c", private_donor: "#7e22ce",
  };
  const CLOSED_HIT = new Set(["confirmed", "misread", "no_longer_wanted", "duplicate"]);

  let map = null;
  let bridge = null;
  let canvas = null;
  let notice = null;
  let tilesFailed = false;
  let categories = null; // null: every category
  let pendingFit = null; // a fit asked for while the map had no size (its tab not shown)
  const layers = {};
  const visible = {};
  // cells: a window too large to send read by read, counted per grid cell by the console at
  // cellZoom (null while the reads themselves are here, clustered on the page); pending: live
  // reads not yet in their cells.
  const det = { features: [], ids: new Set(), index: null, timer: null, lastBuild: 0,
                spanS: null, drawn: 0, fresh: 0, cells: null, cellZoom: 0, cellAt: null,
                pending: [], singles: new Map(), total: 0 };
  const hits = new Map();
  const devices = new Map();

  function esc(value) {
    return String(value).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  }

  function clock(t) {
    return new Date(t * 1000).toLocaleString();
  }

  function start(leafletMap) {
    map = leafletMap;
    canvas = L.canvas({ padding: 0.3 });
    for (const name of ["registry", "readers", "cameras", "detections", "fresh", "hits",
                        "search", "area"]) {
      layers[name] = L.layerGroup().addTo(map);
      visible[name] = true;
    }
    notice = L.DomUtil.create("div", "rtic-notice", map.getContainer());
    notice.textContent = NOTICE_TEXT;
    notice.hidden = true;
    addLegend();
    map.on("moveend", onMoveEnd);
    // A map built in a hidden tab has no size; Leaflet learns its size only when told.
    new ResizeObserver(onContainerResized).observe(map.getContainer());
    map.on("pm:create", onAreaCreated);
    watchTiles();
    setInterval(pruneIfStale, PRUNE_EVERY_MS);
    new QWebChannel(qt.webChannelTransport, (channel) => {
      bridge = channel.objects.bridge;
      if (tilesFailed) bridge.report_tiles_unavailable();
      bridge.ready();
    });
  }

  function addLegend() {
    const legend = L.control({ position: "topright" });
    legend.onAdd = () => {
      const box = L.DomUtil.create("div", "rtic-legend");
      const dev = (cls) => `<span class="rtic-dev ${cls}" style="--c:#475569"></span>`;
      box.innerHTML = [
        '<span class="dot"></span>Read', '<span class="dot cluster"></span>Reads grouped',
        '<span class="rtic-hit"><span>!</span></span>Hit',
        '<span class="rtic-hit approx"><span>\u2248</span></span>Approximate hit',
        dev("reader") + "Reader", dev("cam") + "Camera",
        dev("cam st-offline") + "Offline", dev("cam st-unknown") + "Status unknown",
        dev("cam st-out-of-service") + "Out of service",
        dev("cam st-damaged") + "Damaged (reported, B.2)",
        '<span class="dot registry"></span>Registered private camera',
        '<span class="dot search"></span>Search result',
      ].join("<br>");
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  // Tiles --------------------------------------------------------------------------------

  function watchTiles() {
    const tileLayers = [];
    map.eachLayer((layer) => { if (layer instanceof L.TileLayer) tileLayers.push(layer); });
    if (!tileLayers.length) { tilesUnavailable(NO_TILES_TEXT); return; }
    let loaded = 0;
    for (const layer of tileLayers) {
      layer.on("tileload", () => { loaded += 1; });
      layer.on("tileerror", () => { if (!loaded) tilesUnavailable(); });
    }
    setTimeout(() => { if (!loaded) tilesUnavailable(); }, TILE_WAIT_MS);
  }

  function tilesUnavailable(text) {
    if (tilesFailed) return;
    tilesFailed = true;
    if (text) notice.textContent = text;
    map.eachLayer((layer) => { if (layer instanceof L.TileLayer) map.removeLayer(layer); });
    map.getContainer().classList.add("rtic-plain");
    notice.hidden = false;
    if (bridge) bridge.report_tiles_unavailable();
  }

  // Detections ---------------------------------------------------------------------------

  function appendDetections(cols) {
    const added = [];
    for (let i = 0; i < cols.id.length; i++) {
      const id = cols.id[i];
      if (det.ids.has(id)) continue;
      det.ids.add(id);
      const feature = {
        type: "Feature",
        geometry: { type: "Point", coordinates: [cols.lon[i], cols.lat[i]] },
        properties: { id: id, plate: cols.plate[i], t: cols.t[i], dev: cols.dev[i] },
      };
      det.features.push(feature);
      added.push(feature);
    }
    return added;
  }

  function cutoff() {
    return det.spanS === null ? null : Date.now() / 1000 - det.spanS;
  }

  function buildIndex() {
    const oldest = cutoff();
    if (oldest !== null && det.features.some((f) => f.properties.t < oldest)) {
      det.features = det.features.filter((f) => f.properties.t >= oldest);
      det.ids = new Set(det.features.map((f) => f.properties.id));
      for (const [id, hit] of hits) if (hit.data.t < oldest) removeHit(id);
    }
    det.index = new Supercluster({ radius: 60, maxZoom: CLUSTER_MAX_ZOOM, minPoints: 2 })
      .load(det.features);
    det.lastBuild = Date.now();
    layers.fresh.clearLayers();
    det.fresh = 0;
  }

  function scheduleRebuild() {
    if (det.timer !== null) return;
    const wait = Math.max(0, det.lastBuild + REBUILD_INTERVAL_MS - Date.now());
    det.timer = setTimeout(() => {
      det.timer = null;
      buildIndex();
      drawDetections();
      if (bridge) bridge.report_drawn(det.features.length);
    }, wait);
  }

  function pruneIfStale() {
    const oldest = cutoff();
    if (oldest !== null && det.features.some((f) => f.properties.t < oldest)) scheduleRebuild();
  }

  function deviceLabel(id) {
    const device = devices.get(id);
    return device ? device.code : "unknown reader";
  }

  function pointMarker(p, lat, lon, fresh) {
    const marker = L.circleMarker([lat, lon], {
      renderer: canvas, radius: fresh ? 6 : 5, weight: fresh ? 2 : 1,
      color: fresh ? "#0369a1" : "#0f172a", fillColor: fresh ? "#f0f9ff" : "#38bdf8",
      fillOpacity: 0.95,
    });
    marker.bindTooltip(() => `<b>${esc(p.plate)}</b><br>${esc(clock(p.t))}<br>` +
                              esc(deviceLabel(p.dev)));
    marker.on("click", () => { if (bridge) bridge.open_detection(p.id); });
    return marker;
  }

  function clusterMarker(item, lat, lon) {
    const n = item.properties.point_count;
    const tier = n < 100 ? "s" : n < 1000 ? "m" : "l";
    const size = { s: 32, m: 40, l: 48 }[tier];
    const marker = L.marker([lat, lon], {
      keyboard: false,
      icon: L.divIcon({
        className: "rtic-cluster rtic-cluster-" + tier, iconSize: [size, size],
        html: `<div><span>${esc(item.properties.point_count_abbreviated)}</span></div>`,
      }),
    });
    marker.bindTooltip(`${n.toLocaleString()} reads here: click to zoom in`);
    marker.on("click", () => {
      const zoom = det.index.getClusterExpansionZoom(item.properties.cluster_id);
      map.setView([lat, lon], Math.min(zoom, CLUSTER_MAX_ZOOM + 1));
    });
    return marker;
  }

  function onMoveEnd() {
    drawDetections();
    if (det.cells !== null) {
      if (bridge) bridge.report_drawn(det.drawn);
      reportView();
    }
  }

  // The console counts the cells again for what is now in view (it waits for a pause).
  function reportView() {
    if (!bridge) return;
    const b = map.getBounds();
    bridge.report_view(JSON.stringify({
      zoom: Math.max(0, Math.min(19, Math.round(map.getZoom()))), south: b.getSouth(),
      west: b.getWest(), north: b.getNorth(), east: b.getEast() }));
  }

  function cellMarker(n, lat, lon) {
    const tier = n < 100 ? "s" : n < 1000 ? "m" : "l";
    const size = { s: 32, m: 40, l: 48 }[tier];
    const label = n < 1000 ? String(n) : n < 1e6 ? Math.round(n / 1000) + "k"
      : (n / 1e6).toFixed(1) + "M";
    const marker = L.marker([lat, lon], {
      keyboard: false,
      icon: L.divIcon({ className: "rtic-cluster rtic-cluster-" + tier, iconSize: [size, size],
                        html: `<div><span>${label}</span></div>` }),
    });
    marker.bindTooltip(`${n.toLocaleString()} reads here: click to zoom in`);
    marker.on("click", () => map.setView([lat, lon], Math.min(map.getZoom() + 2, 19)));
    return marker;
  }

  function cellKey(lat, lon, size) {
    return Math.floor((lat + 90) / size) * 4194304 + Math.floor((lon + 180) / size);
  }

  // Adds n reads at (lat, lon), newest id `id`, to the cell of `out` holding that place
  // (`at`: key to index); a new cell when there is none.
  function addToCell(out, at, size, n, lat, lon, id) {
    const key = cellKey(lat, lon, size);
    let j = at.get(key);
    if (j === undefined) {
      j = out.n.length;
      at.set(key, j);
      out.n.push(0); out.lat.push(0); out.lon.push(0); out.id.push(0);
    }
    const total = out.n[j] + n;
    out.lat[j] += (lat - out.lat[j]) * n / total;
    out.lon[j] += (lon - out.lon[j]) * n / total;
    out.n[j] = total;
    if (id > out.id[j]) out.id[j] = id;
    return total;
  }

  // The cells as the view's zoom groups them: the console counts at a fine zoom, and a
  // coarser view merges them here (a cell's mean position lies inside it, and a cell is
  // four of the next zoom's), so zooming out or panning asks the console for nothing.
  function cellsAt(zoom) {
    const c = det.cells;
    if (zoom >= det.cellZoom) return c;
    const size = CELL_DEGREES_ZOOM_0 / 2 ** zoom;
    const out = { n: [], lat: [], lon: [], id: [] };
    const at = new Map();
    for (let i = 0; i < c.n.length; i++) {
      addToCell(out, at, size, c.n[i], c.lat[i], c.lon[i], c.id[i]);
    }
    return out;
  }

  // The live reads shown as fresh dots join their cells, as the console's next count would
  // have them; it still counts again now and then, which drops reads that left the window.
  function foldPending() {
    det.timer = null;
    const c = det.cells;
    if (c === null) return;
    const size = CELL_DEGREES_ZOOM_0 / 2 ** det.cellZoom;
    if (det.cellAt === null) {
      det.cellAt = new Map();
      for (let i = 0; i < c.n.length; i++) det.cellAt.set(cellKey(c.lat[i], c.lon[i], size), i);
    }
    for (const p of det.pending) {
      if (addToCell(c, det.cellAt, size, 1, p.lat, p.lon, p.id) === 1) det.singles.set(p.id, p);
    }
    det.pending = [];
    layers.fresh.clearLayers();
    det.fresh = 0;
    drawDetections();
    if (bridge) bridge.report_drawn(det.drawn);
  }

  function drawCells() {
    const group = layers.detections;
    const b = map.getBounds().pad(0.1);
    const c = cellsAt(Math.round(map.getZoom()));
    for (let i = 0; i < c.n.length; i++) {
      if (!b.contains([c.lat[i], c.lon[i]])) continue;
      det.drawn += c.n[i];
      const single = c.n[i] === 1 ? det.singles.get(c.id[i]) : undefined;
      group.addLayer(single ? pointMarker(single, c.lat[i], c.lon[i], false)
                            : cellMarker(c.n[i], c.lat[i], c.lon[i]));
    }
  }

  function drawDetections() {
    const group = layers.detections;
    group.clearLayers();
    det.drawn = 0;
    if (det.cells !== null && visible.detections) { drawCells(); return; }
    if (!det.index || !visible.detections) return;
    const b = map.getBounds();
    const items = det.index.getClusters(
      [b.getWest(), Math.max(-90, b.getSouth()), b.getEast(), Math.min(90, b.getNorth())],
      Math.round(map.getZoom()));
    for (const item of items) {
      const [lon, lat] = item.geometry.coordinates;
      if (item.properties.cluster) {
        det.drawn += item.properties.point_count;
        group.addLayer(clusterMarker(item, lat, lon));
      } else {
        det.drawn += 1;
        group.addLayer(pointMarker(item.properties, lat, lon, false));
      }
    }
  }

  // Hits ---------------------------------------------------------------------------------

  function hitText(h) {
    const match = h.approx
      ? `APPROXIMATE: ${h.subs} OCR-equivalent character(s) differ from ${esc(h.listed)}`
      : "exact match";
    return `<b>HIT ${esc(h.plate)}</b> \u00b7 ${esc(h.list)}<br>${match}<br>` +
           `${esc(clock(h.t))} \u00b7 ${esc(h.status.replace(/_/g, " "))}` +
           (h.info ? "<br>informational only (special list)" : "");
  }

  function removeHit(id) {
    const old = hits.get(id);
    if (old) layers.hits.removeLayer(old.marker);
    hits.delete(id);
  }

  function upsertHit(h) {
    removeHit(h.id);
    if (h.lat === null || h.lon === null) return;
    const classes = ["rtic-hit"];
    if (h.approx) classes.push("approx");
    if (h.info) classes.push("info");
    if (CLOSED_HIT.has(h.status)) classes.push("closed");
    const marker = L.marker([h.lat, h.lon], {
      zIndexOffset: 1000, riseOnHover: true,
      icon: L.divIcon({ className: "rtic-hit-icon", iconSize: [26, 26],
                        html: `<div class="${classes.join(" ")}"><span>${h.approx ? "\u2248" : "!"}` +
                              "</span></div>" }),
    });
    marker.bindTooltip(hitText(h));
    marker.on("click", () => { if (bridge) bridge.open_detection(h.det); });
    layers.hits.addLayer(marker);
    hits.set(h.id, { data: h, marker: marker });
  }

  // Snapshot and live updates ------------------------------------------------------------

  function loadClusters(payload) {
    det.features = [];
    det.ids = new Set();
    det.index = null;
    det.spanS = payload.span_s;
    if (det.timer !== null) { clearTimeout(det.timer); det.timer = null; }
    det.cells = payload.cells;
    det.cellZoom = payload.zoom;
    det.cellAt = null;
    det.pending = [];
    det.total = payload.total;
    det.singles = new Map();
    const s = payload.singles;
    for (let i = 0; i < s.id.length; i++) {
      det.singles.set(s.id[i], { id: s.id[i], plate: s.plate[i], t: s.t[i], dev: s.dev[i] });
    }
    layers.fresh.clearLayers();
    det.fresh = 0;
    for (const id of Array.from(hits.keys())) removeHit(id);
    payload.hits.forEach(upsertHit);
    if (payload.fit) {
      fitTo(payload.cells.lat.map((lat, i) => [lat, payload.cells.lon[i]]));
    }
    drawDetections();
    if (bridge) bridge.report_drawn(det.drawn);
    return payload.cells.n.length;
  }

  function loadSnapshot(payload) {
    det.cells = null;
    det.pending = [];
    det.features = [];
    det.ids = new Set();
    det.index = null;
    det.spanS = payload.span_s;
    if (det.timer !== null) { clearTimeout(det.timer); det.timer = null; }
    appendDetections(payload.detections);
    for (const id of Array.from(hits.keys())) removeHit(id);
    payload.hits.forEach(upsertHit);
    if (payload.fit) fitTo(det.features.map((f) => [f.geometry.coordinates[1],
                                                    f.geometry.coordinates[0]]));
    buildIndex();
    drawDetections();
    if (bridge) bridge.report_drawn(det.features.length);
    return det.features.length;
  }

  // Live reads over cells show as fresh dots (at most MAX_FRESH_DOTS) until they join their
  // cells (foldPending); over the page's own clusters they join them.
  function addLive(payload) {
    if (det.cells !== null) {
      const d = payload.detections;
      for (let i = 0; i < d.id.length; i++) {
        const p = { id: d.id[i], plate: d.plate[i], t: d.t[i], dev: d.dev[i], lat: d.lat[i],
                    lon: d.lon[i] };
        det.pending.push(p);
        if (det.fresh < MAX_FRESH_DOTS) {
          layers.fresh.addLayer(pointMarker(p, p.lat, p.lon, true));
          det.fresh += 1;
        }
      }
      if (det.pending.length && det.timer === null) {
        det.timer = setTimeout(foldPending, CELL_FOLD_MS);
      }
      det.total += d.id.length;
      payload.hits.forEach(upsertHit);
      return d.id.length;
    }
    const added = appendDetections(payload.detections);
    for (const f of added) {
      if (det.fresh >= MAX_FRESH_DOTS) break;
      const [lon, lat] = f.geometry.coordinates;
      layers.fresh.addLayer(pointMarker(f.properties, lat, lon, true));
      det.fresh += 1;
    }
    payload.hits.forEach(upsertHit);
    if (added.length) scheduleRebuild();
    return added.length;
  }

  function fitTo(latlngs) {
    for (const d of devices.values()) latlngs.push([d.lat, d.lon]);
    if (!latlngs.length) return;
    let south = 90, west = 180, north = -90, east = -180;
    for (const [lat, lon] of latlngs) {
      if (lat < south) south = lat;
      if (lat > north) north = lat;
      if (lon < west) west = lon;
      if (lon > east) east = lon;
    }
    fitView([[south, west], [north, east]], { padding: [30, 30], maxZoom: 15,
                                              animate: false });
  }

  function fitView(bounds, options) {
    const size = map.getSize();
    if (!size.x || !size.y) { pendingFit = [bounds, options]; return; }
    pendingFit = null;
    map.fitBounds(bounds, options);
  }

  function onContainerResized() {
    map.invalidateSize({ pan: false });
    if (pendingFit) fitView(pendingFit[0], pendingFit[1]);
  }

  // Devices and registry -----------------------------------------------------------------

  function deviceMarker(d) {
    const camera = d.kind === "camera";
    const status = d.status.replace(/ /g, "-");
    const colour = CATEGORY_COLOURS[d.category] || "#475569";
    const marker = L.marker([d.lat, d.lon], {
      zIndexOffset: 500,
      icon: L.divIcon({
        className: "rtic-device-icon", iconSize: [20, 20],
        html: `<div class="rtic-dev ${camera ? "cam" : "reader"} st-${esc(status)}" ` +
              `style="--c:${colour}">${camera ? "C" : d.kind === "trailer" ? "T" : "R"}</div>`,
      }),
    });
    marker.bindTooltip(`<b>${esc(d.code)}</b> ${esc(d.name)}<br>` +
                       `${camera ? "PSCN camera" : d.kind === "trailer" ? "ALPR trailer"
                         : "ALPR reader"} \u00b7 ${esc(d.cat_title)}` +
                       ` \u00b7 ${esc(d.status)}` + (camera ? "<br>click to open on the wall" : ""));
    if (camera) marker.on("click", () => { if (bridge) bridge.open_camera(d.id); });
    return marker;
  }

  function drawDevices() {
    layers.readers.clearLayers();
    layers.cameras.clearLayers();
    for (const d of devices.values()) {
      if (categories !== null && !categories.includes(d.category)) continue;
      layers[d.kind === "camera" ? "cameras" : "readers"].addLayer(deviceMarker(d));
    }
  }

  function setDevices(list) {
    devices.clear();
    for (const d of list) devices.set(d.id, d);
    drawDevices();
  }

  function setCategories(list) {
    categories = list;
    drawDevices();
  }

  // The cameras of the person's latest registry look-up (H.2, H.3), brought into view.
  function setRegistry(list) {
    layers.registry.clearLayers();
    const latlngs = [];
    for (const r of list) {
      const marker = L.circleMarker([r.lat, r.lon], {
        renderer: canvas, radius: 6, color: "#0f766e", weight: 2, dashArray: "3 2",
        fillColor: "#99f6e4", fillOpacity: 0.5,
      });
      marker.bindTooltip(`<b>Registered private camera</b><br>${esc(r.equipment)}<br>` +
                         esc(r.address) + (r.note ? `<br>${esc(r.note)}` : ""));
      layers.registry.addLayer(marker);
      latlngs.push([r.lat, r.lon]);
    }
    if (latlngs.length) fitView(latlngs, { padding: [40, 40], maxZoom: 17, animate: false });
    return list.length;
  }

  // Search results and areas -------------------------------------------------------------

  function showSearchResults(rows) {
    layers.search.clearLayers();
    const latlngs = [];
    for (const r of rows) {
      const marker = L.circleMarker([r.lat, r.lon], {
        renderer: canvas, radius: 8, color: "#be185d", weight: 3, fillColor: "#fde047",
        fillOpacity: 0.95,
      });
      marker.bindTooltip(`<b>Search result ${esc(r.plate)}</b><br>${esc(r.when)}<br>` +
                         esc(r.device));
      marker.on("click", () => { if (bridge) bridge.open_detection(r.id); });
      layers.search.addLayer(marker);
      latlngs.push([r.lat, r.lon]);
    }
    setLayerVisible("search", true);
    if (latlngs.length) fitView(latlngs, { padding: [40, 40], maxZoom: 16, animate: false });
    return rows.length;
  }

  // One place in view, closer than a fit of many: a search result the person selected.
  function centerOn(target) {
    layers.search.eachLayer((m) => {
      const here = m.getLatLng();
      if (here.lat === target.lat && here.lng === target.lon) m.openTooltip();
    });
    fitView([[target.lat, target.lon], [target.lat, target.lon]],
            { maxZoom: 17, animate: false });
    return 1;
  }

  function startAreaDrawing(kind) {
    map.pm.disableDraw();
    map.pm.enableDraw(kind === "circle" ? "Circle" : "Rectangle", {
      snappable: false, continueDrawing: false,
      pathOptions: { color: "#be185d", weight: 2, fillOpacity: 0.08 },
    });
  }

  function onAreaCreated(e) {
    layers.area.clearLayers();
    map.removeLayer(e.layer);
    layers.area.addLayer(e.layer);
    let area;
    if (e.shape === "Circle") {
      const c = e.layer.getLatLng();
      area = { kind: "circle", lat: c.lat, lon: c.lng, radius_m: e.layer.getRadius() };
    } else {
      const b = e.layer.getBounds();
      area = { kind: "rectangle", south: b.getSouth(), west: b.getWest(),
               north: b.getNorth(), east: b.getEast() };
    }
    if (bridge) bridge.report_area(JSON.stringify(area));
  }

  // Qt's controls ------------------------------------------------------------------------

  function setLayerVisible(name, on) {
    visible[name] = on;
    const group = layers[name];
    if (on) map.addLayer(group); else map.removeLayer(group);
    if (name === "detections") {
      if (on) map.addLayer(layers.fresh); else map.removeLayer(layers.fresh);
      drawDetections();
    }
  }

  function stats() {
    let drawnLayers = 0;
    layers.detections.eachLayer(() => { drawnLayers += 1; });
    return {
      points: det.cells !== null ? det.total : det.features.length,
      cells: det.cells !== null ? det.cells.n.length : 0, drawn: det.drawn, markers: drawnLayers, fresh: det.fresh,
      hits: hits.size, approximate: Array.from(hits.values()).filter((h) => h.data.approx).length,
      readers: layers.readers.getLayers().length, cameras: layers.cameras.getLayers().length,
      registry: layers.registry.getLayers().length, search: layers.search.getLayers().length,
      areas: layers.area.getLayers().length, tilesFailed: tilesFailed,
      noticeShown: !notice.hidden, noticeText: notice.textContent,
    };
  }

  return {
    start, loadSnapshot, loadClusters, addLive, setDevices, setCategories, setRegistry,
    showSearchResults, centerOn, startAreaDrawing, setLayerVisible, stats,
  };
})();
