/**
 * The static parts of the HTML report: its style sheet and the browser script that draws the charts with uPlot
 * from the JSON the page carries (`<script type="application/json" id="hk-data">`, see `Report.ts`).
 *
 * The script is plain ES2020 for the browser, kept as text: it runs in the page, not in Node. It writes every
 * string into the page as text (`textContent`, canvas `fillText`), never as markup. Each chart container gets
 * `data-marks`, the number of marks (bins, points, bars) it drew.
 */

/** Policy colours (Tableau 10), in run order. */
export const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"] as const

export const css = `
:root { --fg: #1f2328; --muted: #5b636d; --line: #d8dde3; --bg: #ffffff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header p { margin: 2px 0; color: var(--muted); }
section { margin-top: 28px; }
h2 { font-size: 17px; margin: 0 0 4px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 12px 0 4px; }
p.caption { margin: 2px 0 10px; color: var(--muted); font-size: 13px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { background: var(--panel); font-weight: 600; text-align: right; vertical-align: bottom; }
td { text-align: right; }
th:first-child, td:first-child { text-align: left; white-space: normal; min-width: 120px; max-width: 260px; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.chart { width: 100%; min-height: 40px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 8px 24px; }
.run { margin-bottom: 18px; }
ul.notes { margin: 6px 0; padding-left: 20px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12px; }
.u-legend .u-series > * { padding: 2px 4px; }
`

export const script = String.raw`
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("hk-data").textContent);
  var cur = D.currency;
  var big = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  var sig = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });
  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return "\u2013";
    x = x + 0; // no "-0"
    return Math.abs(x) >= 1000 ? big.format(x) : sig.format(x);
  }
  function rgba(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + (n >> 16) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }
  var compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumSignificantDigits: 3 });
  function short(x) { return !isFinite(x) ? "" : Math.abs(x) >= 1000 ? compact.format(x) : sig.format(Number(x.toPrecision(3))); }
  function utc(t) { return new Date(t * 1000).toISOString().slice(0, 16).replace("T", " "); }
  /** Time ticks in UTC, 24 h: "HH:MM" with the date under the first tick of each day; dates alone for daily ticks. */
  function timeTicks(u, splits, ax, space, incr) {
    var lastDay = "";
    return splits.map(function (t, i) {
      var s = new Date(t * 1000).toISOString(), day = s.slice(5, 10);
      var label = incr >= 86400 ? (i === 0 ? day + "\n" + s.slice(0, 4) : day) : (day !== lastDay ? s.slice(11, 16) + "\n" + day : s.slice(11, 16));
      lastDay = day;
      return label;
    });
  }
  var pxr = window.devicePixelRatio || 1;

  /** A y axis sized to its longest tick label; with shared[slot], to the widest of the axes sharing the slot. */
  function axis(extra, shared, slot) {
    var a = {
      stroke: "#5b636d",
      grid: { stroke: "#eceff2", width: 1 },
      ticks: { stroke: "#d8dde3", width: 1, size: 4 },
      values: function (u, splits) { return splits.map(fmt); },
      size: function (u, values, i, cycle) {
        var ax = u.axes[i];
        if (cycle > 1) return ax._size;
        var s = ax.ticks.size + ax.gap, longest = "";
        (values || []).forEach(function (v) { if (v && v.length > longest.length) longest = v; });
        if (longest) { u.ctx.font = ax.font[0]; s += u.ctx.measureText(longest).width / pxr; }
        s = Math.ceil(s) + 4;
        if (shared) { shared[slot] = Math.max(shared[slot] || 0, s); s = shared[slot]; }
        return s;
      }
    };
    for (var k in extra) a[k] = extra[k];
    return a;
  }
  function xAxis(extra) {
    var a = { stroke: "#5b636d", grid: { stroke: "#eceff2", width: 1 }, ticks: { stroke: "#d8dde3", width: 1, size: 4 } };
    for (var k in extra) a[k] = extra[k];
    return a;
  }

  var charts = [];
  /** Charts whose axes are sized with others': laid out again once all are drawn. */
  var realign = [];
  function widthOf(el) { return Math.max(300, Math.floor(el.getBoundingClientRect().width)); }
  function mount(el, opts, data, marks) {
    opts.width = widthOf(el);
    var u = new uPlot(opts, data, el);
    el.setAttribute("data-marks", String(marks));
    charts.push({ u: u, el: el, height: opts.height });
    return u;
  }
  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) { c.u.setSize({ width: widthOf(c.el), height: c.height }); });
    }, 100);
  });

  /** A vertical line at x on the plot area, in the policy's colour. */
  function vline(u, x, color, dash) {
    if (x === null || !isFinite(x)) return;
    var px = u.valToPos(x, "x", true);
    if (px < u.bbox.left || px > u.bbox.left + u.bbox.width) return;
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5 * pxr;
    ctx.setLineDash(dash ? [5 * pxr, 4 * pxr] : []);
    ctx.beginPath();
    ctx.moveTo(px, u.bbox.top);
    ctx.lineTo(px, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  // (1) P&L distribution: one stepped histogram per policy on shared bins, mean (solid) and -VaR95 (dashed)
  (function () {
    var el = document.getElementById("chart-distribution");
    if (!el || !D.hist) return;
    var H = D.hist;
    var data = [H.edges].concat(H.share);
    var marks = 0;
    H.share.forEach(function (s) { s.forEach(function (v) { if (v > 0) marks++; }); });
    var series = [{ label: "P&L (" + cur + ")", value: function (u, v) { return fmt(v); } }];
    D.policies.forEach(function (p) {
      series.push({
        label: p.name, stroke: p.color, fill: rgba(p.color, 0.13), width: 1.5,
        paths: uPlot.paths.stepped({ align: 1 }), points: { show: false },
        value: function (u, v) { return v === null || v === undefined ? "\u2013" : fmt(v) + " %"; }
      });
    });
    mount(el, {
      height: 300,
      scales: { x: { time: false }, y: { range: function (u, lo, hi) { return [0, (hi > 0 ? hi : 1) * 1.08]; } } },
      series: series,
      axes: [xAxis({ label: "P&L per path (" + cur + ")", values: function (u, s) { return s.map(fmt); } }), axis({ label: "Share of paths (%)" })],
      cursor: { points: { show: false } },
      hooks: {
        draw: [function (u) {
          vline(u, 0, "#9aa1a9", false);
          D.policies.forEach(function (p, i) {
            if (!u.series[i + 1].show) return;
            vline(u, H.mean[i], p.color, false);
            vline(u, H.var95[i], p.color, true);
          });
        }]
      }
    }, data, marks);
  })();

  // (2) per run with a series: hedge delta against book delta, and the P&L with the index
  (D.series || []).forEach(function (S) {
    var p = D.policies[S.run];
    var key = "hk-run-" + S.run;
    var dEl = document.getElementById("chart-delta-" + S.run);
    var pEl = document.getElementById("chart-pnl-" + S.run);
    var neg = S.book.map(function (v) { return v === null ? null : -v; });
    var net = S.book.map(function (v, i) { return v === null || S.hedge[i] === null ? null : v + S.hedge[i]; });
    var timeValue = function (u, v) { return v === null || v === undefined ? "\u2013" : utc(v) + " UTC"; };
    var tz = function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); };
    var coin = "(" + D.underlying + ")";
    var lineValue = function (u, v) { return fmt(v); };
    // the two charts share their time axis: same axis widths on both sides, so that times line up
    var widths = { left: 0, right: 0 };
    var blank = { show: false };
    var spacer = axis({ side: 1, label: "", values: function (u, s) { return s.map(function () { return ""; }); }, grid: blank, ticks: blank }, widths, "right");
    var dU = null, pU = null;
    if (dEl) dU = mount(dEl, {
      height: 260, tzDate: tz,
      cursor: { sync: { key: key } },
      series: [
        { label: "Time", value: timeValue },
        { label: "Book \u0394", stroke: "#37474f", width: 1.5, value: lineValue },
        { label: "\u2212Book \u0394 (full hedge)", stroke: "#90a4ae", width: 1.5, dash: [6, 4], value: lineValue },
        { label: "Hedge \u0394", stroke: "#1565c0", width: 2, paths: uPlot.paths.stepped({ align: 1 }), value: lineValue },
        { label: "Net \u0394", stroke: "#d81b60", width: 1, value: lineValue }
      ],
      axes: [xAxis({ values: timeTicks }), axis({ label: "Delta " + coin }, widths, "left"), spacer]
    }, [S.t, S.book, neg, S.hedge, net], S.t.length * 4);
    if (pEl) pU = mount(pEl, {
      height: 200, tzDate: tz,
      cursor: { sync: { key: key } },
      scales: { pnl: {}, spot: {} },
      series: [
        { label: "Time", value: timeValue },
        { label: "P&L (" + cur + ")", stroke: p.color, fill: rgba(p.color, 0.08), width: 2, scale: "pnl", value: lineValue },
        { label: "Index (USD)", stroke: "#9aa1a9", width: 1, scale: "spot", value: lineValue }
      ],
      axes: [xAxis({ values: timeTicks }), axis({ scale: "pnl", label: "P&L (" + cur + ")" }, widths, "left"), axis({ scale: "spot", side: 1, label: "Index (USD)", grid: { show: false } }, widths, "right")]
    }, [S.t, S.pnl, S.spot], S.t.length * 2);
    if (dU) realign.push(dU);
    if (pU) realign.push(pU);
  });

  // (3) attribution waterfall per policy: each term from the running sum, then the total from zero
  (D.waterfall || []).forEach(function (W) {
    var el = document.getElementById("chart-waterfall-" + W.run);
    if (!el) return;
    var labels = D.terms.concat(["total"]);
    var bars = [], cum = 0, lo = 0, hi = 0;
    W.values.forEach(function (v) {
      var from = cum; cum += v;
      bars.push({ from: from, to: cum, v: v, kind: v >= 0 ? "up" : "down" });
      lo = Math.min(lo, from, cum); hi = Math.max(hi, from, cum);
    });
    bars.push({ from: 0, to: cum, v: cum, kind: "total" });
    lo = Math.min(lo, cum); hi = Math.max(hi, cum);
    var pad = (hi - lo) * 0.12 || Math.abs(hi) * 0.1 || 1;
    var xs = labels.map(function (_, i) { return i; });
    var colors = { up: "#2e7d32", down: "#c62828", total: D.policies[W.run].color };
    // bar labels to a precision that fits the chart's span (terms too small to see read as 0; the legend has them all)
    var span = hi - lo;
    var digits = span > 0 ? Math.max(0, Math.min(8, 2 - Math.floor(Math.log10(span)))) : 2;
    var fixed = new Intl.NumberFormat("en-US", { maximumFractionDigits: digits });
    var barLabel = function (v) {
      if (Math.abs(span) >= 10000) return short(v);
      var f = Math.pow(10, digits);
      return fixed.format(Math.round(v * f) / f + 0);
    };
    mount(el, {
      height: 250,
      legend: { show: true },
      cursor: { points: { show: false }, y: false, drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: function () { return [-0.6, labels.length - 0.4]; } },
        y: { range: function () { return [lo - (lo < 0 ? pad : 0), hi + (hi > 0 ? pad : 0)]; } }
      },
      series: [
        { label: "Term", value: function (u, v) { return v === null || v === undefined ? "\u2013" : labels[v]; } },
        { label: "Contribution (" + cur + "/path)", stroke: "#5b636d", paths: function () { return null; }, points: { show: false },
          value: function (u, v, si, idx) { return idx === null || idx === undefined ? "\u2013" : fmt(bars[idx].v); } }
      ],
      axes: [
        xAxis({
          splits: function () { return xs; }, grid: { show: false }, font: "11px system-ui, sans-serif",
          // narrow bars: stagger the names on two rows
          values: function (u, s) {
            var narrow = u.bbox.width / pxr / labels.length < 62;
            return s.map(function (i) { return (narrow && i % 2 === 1 ? "\n" : "") + (labels[i] || ""); });
          }
        }),
        axis({ label: cur + " per path" })
      ],
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          var step = u.valToPos(1, "x", true) - u.valToPos(0, "x", true);
          var w = Math.max(2, step * 0.62);
          ctx.save();
          ctx.font = (10 * pxr) + "px system-ui, sans-serif";
          ctx.textAlign = "center";
          bars.forEach(function (b, i) {
            var x = u.valToPos(i, "x", true);
            var y0 = u.valToPos(b.from, "y", true), y1 = u.valToPos(b.to, "y", true);
            var top = Math.min(y0, y1), h = Math.max(1 * pxr, Math.abs(y1 - y0));
            ctx.fillStyle = colors[b.kind];
            ctx.fillRect(x - w / 2, top, w, h);
            if (i < bars.length - 1) {
              var nx = u.valToPos(i + 1, "x", true);
              ctx.strokeStyle = "#9aa1a9"; ctx.lineWidth = 1 * pxr;
              ctx.beginPath(); ctx.moveTo(x + w / 2, y1); ctx.lineTo(nx - w / 2, y1); ctx.stroke();
            }
            if (step > 30 * pxr) {
              ctx.fillStyle = "#1f2328";
              var above = b.to >= b.from;
              ctx.textBaseline = above ? "bottom" : "top";
              ctx.fillText(barLabel(b.v), x, above ? top - 2 * pxr : top + h + 2 * pxr);
            }
          });
          ctx.restore();
          var zy = u.valToPos(0, "y", true);
          ctx.save(); ctx.strokeStyle = "#5b636d"; ctx.lineWidth = 1 * pxr;
          ctx.beginPath(); ctx.moveTo(u.bbox.left, zy); ctx.lineTo(u.bbox.left + u.bbox.width, zy); ctx.stroke(); ctx.restore();
        }]
      }
    }, [xs, bars.map(function (b) { return b.to; })], bars.length);
  });

  // (4) the frontier: mean cost against risk, one line of points per policy, each point labelled
  (function () {
    var el = document.getElementById("chart-frontier");
    if (!el || !D.frontier) return;
    var F = D.frontier;
    var xs = [];
    F.groups.forEach(function (g) { g.points.forEach(function (p) { xs.push(p.risk); }); });
    xs = Array.from(new Set(xs)).sort(function (a, b) { return a - b; });
    var index = new Map(xs.map(function (x, i) { return [x, i]; }));
    var data = [xs], labels = [];
    var series = [{ label: F.riskLabel + " (" + cur + ")", value: function (u, v) { return fmt(v); } }];
    F.groups.forEach(function (g) {
      var ys = xs.map(function () { return null; }), ls = xs.map(function () { return null; });
      g.points.forEach(function (p) { var i = index.get(p.risk); ys[i] = p.cost; ls[i] = p.label; });
      data.push(ys); labels.push(ls);
      series.push({ label: g.policy, stroke: g.color, width: 1.5, spanGaps: true,
        points: { show: true, size: 8, fill: g.color, stroke: g.color }, value: function (u, v) { return fmt(v); } });
    });
    var marks = 0;
    F.groups.forEach(function (g) { marks += g.points.length; });
    var padded = function (u, lo, hi) {
      var d = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
      return [lo - d, hi + d];
    };
    mount(el, {
      height: 340,
      scales: { x: { time: false, range: padded }, y: { range: padded } },
      series: series,
      axes: [xAxis({ label: F.riskLabel + " (" + cur + ")", values: function (u, s) { return s.map(fmt); } }), axis({ label: "Mean cost (" + cur + "/path)" })],
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          ctx.font = (11 * pxr) + "px system-ui, sans-serif";
          ctx.fillStyle = "#1f2328";
          ctx.textBaseline = "bottom";
          labels.forEach(function (ls, k) {
            if (!u.series[k + 1].show) return;
            ls.forEach(function (l, i) {
              var y = data[k + 1][i];
              if (l === null || y === null) return;
              var px = u.valToPos(xs[i], "x", true);
              var right = px > u.bbox.left + u.bbox.width * 0.85;
              ctx.textAlign = right ? "right" : "left";
              ctx.fillText(l, px + (right ? -6 : 6) * pxr, u.valToPos(y, "y", true) - 4 * pxr);
            });
          });
          ctx.restore();
        }]
      }
    }, data, marks);
  })();

  setTimeout(function () {
    realign.forEach(function (u) { u.redraw(false, true); });
    document.documentElement.setAttribute("data-rendered", String(charts.length));
  }, 0);
})();
`
