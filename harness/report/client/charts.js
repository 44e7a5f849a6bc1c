// Browser side of the report: draws the uPlot charts from the JSON blocks in the page, shades the
// warm-up (t < 0, hatched grey, labelled "warm-up") and each fault window on the canvas. Inlined into index.html by harness/report/assets.ts; no network access.
// Every element with data-chart="success|latency|throughput" and data-source="<id of a JSON block>"
// becomes a chart. Text from the data is only ever drawn on the canvas (fillText), never put in the DOM.
(function () {
  'use strict';

  var charts = [];
  window.faultlineCharts = charts;
  var dataCache = {};

  function readData(id) {
    if (!dataCache[id]) {
      var el = document.getElementById(id);
      if (!el) throw new Error('faultline report: no data block #' + id);
      dataCache[id] = JSON.parse(el.textContent || 'null');
    }
    return dataCache[id];
  }

  function px(n) {
    return Math.round(n * (window.devicePixelRatio || 1));
  }

  function fmtPct(v) {
    return v == null ? '–' : (v * 100).toFixed(v >= 0.999 || v === 0 ? 1 : 2) + '%';
  }

  function fmtMs(v) {
    if (v == null) return '–';
    if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
    return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' ms';
  }

  function fmtRate(v) {
    return v == null ? '–' : (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + '/s';
  }

  // Fault windows: a translucent band under the series, a name tag and edges on top.
  function faultWindowsPlugin(faults, showRecovery) {
    function span(u, f) {
      var left = u.bbox.left;
      var right = u.bbox.left + u.bbox.width;
      var x0 = Math.max(left, Math.min(right, u.valToPos(f.from, 'x', true)));
      var x1 = Math.max(left, Math.min(right, u.valToPos(f.to, 'x', true)));
      return [x0, x1];
    }
    return {
      hooks: {
        drawClear: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            for (var i = 0; i < faults.length; i++) {
              var s = span(u, faults[i]);
              if (s[1] <= s[0]) continue;
              ctx.fillStyle = faults[i].fill;
              ctx.fillRect(s[0], u.bbox.top, s[1] - s[0], u.bbox.height);
            }
            ctx.restore();
          },
        ],
        draw: [
          function (u) {
            var ctx = u.ctx;
            ctx.save();
            ctx.font = '600 ' + px(11) + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
            ctx.textBaseline = 'top';
            ctx.textAlign = 'left';
            var rowsEnd = [];
            var recEnd = [];
            var recDrawn = [];
            for (var i = 0; i < faults.length; i++) {
              var f = faults[i];
              var s = span(u, f);
              if (s[1] <= s[0]) continue;
              // Edges of the window.
              ctx.strokeStyle = f.stroke;
              ctx.globalAlpha = 0.55;
              ctx.lineWidth = px(1);
              ctx.setLineDash([]);
              ctx.beginPath();
              ctx.moveTo(s[0] + 0.5, u.bbox.top);
              ctx.lineTo(s[0] + 0.5, u.bbox.top + u.bbox.height);
              if (f.healed) {
                ctx.moveTo(s[1] - 0.5, u.bbox.top);
                ctx.lineTo(s[1] - 0.5, u.bbox.top + u.bbox.height);
              }
              ctx.stroke();
              ctx.globalAlpha = 1;
              // Name tag, on the first row where it does not overlap an earlier tag.
              var label = f.name;
              var w = ctx.measureText(label).width + px(10);
              var h = px(17);
              var row = 0;
              while (rowsEnd[row] !== undefined && rowsEnd[row] > s[0]) row++;
              rowsEnd[row] = s[0] + w + px(4);
              var x = s[0] + px(3);
              var y = u.bbox.top + px(4) + row * (h + px(3));
              ctx.fillStyle = f.stroke;
              ctx.fillRect(x, y, w, h);
              ctx.fillStyle = '#ffffff';
              ctx.fillText(label, x + px(5), y + px(3));
              if (showRecovery && f.recovered_at != null) {
                var rx = u.valToPos(f.recovered_at, 'x', true);
                // Faults that recovered at the same moment share one marker.
                var dup = false;
                for (var k = 0; k < recDrawn.length; k++) if (Math.abs(recDrawn[k] - rx) < px(3)) dup = true;
                if (!dup && rx >= u.bbox.left && rx <= u.bbox.left + u.bbox.width) {
                  recDrawn.push(rx);
                  ctx.strokeStyle = f.stroke;
                  ctx.setLineDash([px(4), px(3)]);
                  ctx.beginPath();
                  ctx.moveTo(rx + 0.5, u.bbox.top);
                  ctx.lineTo(rx + 0.5, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                  ctx.setLineDash([]);
                  ctx.font = px(10) + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
                  ctx.fillStyle = f.stroke;
                  ctx.textBaseline = 'bottom';
                  var rw = ctx.measureText('recovered').width + px(8);
                  var rrow = 0;
                  while (recEnd[rrow] !== undefined && recEnd[rrow] > rx) rrow++;
                  recEnd[rrow] = rx + rw;
                  ctx.fillText('recovered', rx + px(4), u.bbox.top + u.bbox.height - px(4) - rrow * px(13));
                  ctx.textBaseline = 'top';
                  ctx.font = '600 ' + px(11) + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
                }
              }
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  // The warm-up: a hatched grey band from its first second to 0 under the series, and a "warm-up" tag on
  // top, unlike a fault window's coloured band. Where it was drawn is kept on the chart's element
  // (data-warmup-x0/x1 in canvas pixels) so a test can check the canvas there.
  function warmupPlugin(warmup, el) {
    function span(u) {
      var left = u.bbox.left;
      var right = u.bbox.left + u.bbox.width;
      var x0 = Math.max(left, Math.min(right, u.valToPos(warmup.from, 'x', true)));
      var x1 = Math.max(left, Math.min(right, u.valToPos(warmup.to, 'x', true)));
      return [x0, x1];
    }
    return {
      hooks: {
        drawClear: [
          function (u) {
            var s = span(u);
            if (s[1] <= s[0]) {
              el.removeAttribute('data-warmup');
              return;
            }
            var ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = warmup.fill;
            ctx.fillRect(s[0], u.bbox.top, s[1] - s[0], u.bbox.height);
            // Diagonal hatching, clipped to the band.
            ctx.beginPath();
            ctx.rect(s[0], u.bbox.top, s[1] - s[0], u.bbox.height);
            ctx.clip();
            ctx.strokeStyle = warmup.stroke;
            ctx.globalAlpha = 0.16;
            ctx.lineWidth = px(1);
            ctx.beginPath();
            var step = px(8);
            for (var x = s[0] - u.bbox.height; x < s[1]; x += step) {
              ctx.moveTo(x, u.bbox.top + u.bbox.height);
              ctx.lineTo(x + u.bbox.height, u.bbox.top);
            }
            ctx.stroke();
            ctx.restore();
            el.setAttribute('data-warmup', 'drawn');
            el.setAttribute('data-warmup-x0', String(Math.round(s[0])));
            el.setAttribute('data-warmup-x1', String(Math.round(s[1])));
          },
        ],
        draw: [
          function (u) {
            var s = span(u);
            if (s[1] <= s[0]) return;
            var ctx = u.ctx;
            ctx.save();
            // Time 0: the end of the warm-up, where the measured (gated) part starts.
            ctx.strokeStyle = warmup.stroke;
            ctx.globalAlpha = 0.6;
            ctx.lineWidth = px(1);
            ctx.setLineDash([px(2), px(3)]);
            ctx.beginPath();
            ctx.moveTo(s[1] - 0.5, u.bbox.top);
            ctx.lineTo(s[1] - 0.5, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.globalAlpha = 1;
            ctx.font = 'italic 600 ' + px(11) + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
            ctx.textBaseline = 'bottom';
            ctx.textAlign = 'left';
            var label = warmup.label;
            var w = ctx.measureText(label).width + px(10);
            if (w <= s[1] - s[0] + px(40)) {
              var h = px(17);
              var x = s[0] + px(3);
              // Halfway down: clear of success rates near 100%, of quiet latencies near the floor and of the arrival rate.
              var y = Math.round(u.bbox.top + (u.bbox.height - h) / 2);
              ctx.fillStyle = 'rgba(255,255,255,0.85)';
              ctx.fillRect(x, y, w, h);
              ctx.strokeStyle = warmup.stroke;
              ctx.lineWidth = px(1);
              ctx.setLineDash([px(3), px(2)]);
              ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
              ctx.setLineDash([]);
              ctx.fillStyle = warmup.stroke;
              ctx.fillText(label, x + px(5), y + h - px(3));
            }
            ctx.restore();
          },
        ],
      },
    };
  }

  var AXIS = { stroke: '#57606a', grid: { stroke: 'rgba(31,35,40,0.07)', width: 1 }, ticks: { stroke: 'rgba(31,35,40,0.15)', width: 1 } };

  function axis(extra) {
    var a = { stroke: AXIS.stroke, grid: AXIS.grid, ticks: AXIS.ticks, font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' };
    for (var k in extra) a[k] = extra[k];
    return a;
  }

  function xAxis() {
    return axis({
      values: function (u, vals) {
        return vals.map(function (v) {
          return (v < 0 ? '\u2212' + -v : v) + ' s';
        });
      },
    });
  }

  function timeSeries() {
    return {
      label: 'time',
      value: function (u, v) {
        return v == null ? '–' : v + ' s';
      },
    };
  }

  function isPow10(v) {
    var l = Math.log10(v);
    return Math.abs(l - Math.round(l)) < 1e-9;
  }

  function is125(v) {
    var m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    return Math.abs(m - 1) < 1e-6 || Math.abs(m - 2) < 1e-6 || Math.abs(m - 5) < 1e-6;
  }

  // Log-scale ticks and grid: decades only, or 1-2-5 when the data spans less than two decades.
  function logFilter(u, splits) {
    var decades = splits.filter(function (v) {
      return v > 0 && isPow10(v);
    }).length;
    var keep = decades >= 2 ? isPow10 : is125;
    return splits.map(function (v) {
      return v > 0 && keep(v) ? v : null;
    });
  }

  function fmtMsTick(v) {
    if (v == null) return '';
    if (v >= 1000) return +(v / 1000).toPrecision(3) + ' s';
    return +v.toPrecision(3) + ' ms';
  }

  function positive(arr) {
    return arr.map(function (v) {
      return v == null ? null : Math.max(v, 0.1);
    });
  }

  var KINDS = {
    success: function (d) {
      return {
        opts: {
          scales: { x: { time: false }, y: { range: [0, 1.0001] } },
          axes: [
            xAxis(),
            axis({
              size: 60,
              values: function (u, vals) {
                return vals.map(function (v) {
                  return Math.round(v * 100) + '%';
                });
              },
            }),
          ],
          series: [
            timeSeries(),
            { label: 'success rate', stroke: '#2f9e44', width: 2, value: function (u, v) { return fmtPct(v); } },
            { label: 'issuer success rate', stroke: '#1c7ed6', width: 1.5, dash: [6, 4], value: function (u, v) { return fmtPct(v); } },
            { label: 'app reads', stroke: '#868e96', width: 1, value: function (u, v) { return fmtPct(v); } },
          ],
        },
        data: [d.t, d.success, d.issuer, d.app],
        recovery: true,
      };
    },
    latency: function (d) {
      return {
        opts: {
          scales: { x: { time: false }, y: d.latency_range ? { distr: 3, log: 10, range: function () { return d.latency_range; } } : { distr: 3, log: 10 } },
          axes: [
            xAxis(),
            axis({
              size: 60,
              filter: logFilter,
              grid: { stroke: AXIS.grid.stroke, width: 1, filter: logFilter },
              ticks: { stroke: AXIS.ticks.stroke, width: 1, filter: logFilter },
              values: function (u, vals) {
                return vals.map(fmtMsTick);
              },
            }),
          ],
          series: [
            timeSeries(),
            { label: 'p50', stroke: '#1c7ed6', width: 1.5, value: function (u, v) { return fmtMs(v); } },
            { label: 'p99', stroke: '#e8590c', width: 2, value: function (u, v) { return fmtMs(v); } },
          ],
        },
        data: [d.t, positive(d.p50), positive(d.p99)],
        recovery: false,
      };
    },
    throughput: function (d) {
      var target = d.t.map(function () {
        return d.target_rate;
      });
      return {
        opts: {
          scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } } },
          axes: [
            xAxis(),
            axis({
              size: 60,
              values: function (u, vals) {
                return vals.map(function (v) {
                  return v == null ? '' : +v.toPrecision(3) + '/s';
                });
              },
            }),
          ],
          series: [
            timeSeries(),
            { label: 'target', stroke: '#adb5bd', width: 1.5, dash: [4, 4], value: function (u, v) { return fmtRate(v); } },
            { label: 'sent', stroke: '#1c7ed6', width: 1.5, value: function (u, v) { return fmtRate(v); } },
            { label: 'authorizations', stroke: '#2f9e44', width: 1.5, value: function (u, v) { return fmtRate(v); } },
          ],
        },
        data: [d.t, target, d.sent, d.authorizations],
        recovery: false,
      };
    },
  };

  function build(el) {
    var kind = el.getAttribute('data-chart');
    var source = el.getAttribute('data-source');
    var make = KINDS[kind];
    if (!make) throw new Error('faultline report: unknown chart kind ' + kind);
    var d = readData(source);
    var spec = make(d);
    var opts = spec.opts;
    opts.width = Math.max(320, el.clientWidth || 800);
    opts.height = Number(el.getAttribute('data-height')) || 240;
    opts.legend = { live: true };
    for (var i = 1; i < opts.series.length; i++) opts.series[i].points = { show: false };
    opts.cursor = { sync: { key: el.getAttribute('data-sync') || source }, drag: { x: true, y: false } };
    opts.plugins = [faultWindowsPlugin(d.faults || [], spec.recovery)];
    if (d.warmup) opts.plugins.unshift(warmupPlugin(d.warmup, el));
    var plot = new uPlot(opts, spec.data, el);
    charts.push({ el: el, kind: kind, source: source, plot: plot });
  }

  function init() {
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) {
      try {
        build(els[i]);
      } catch (err) {
        els[i].textContent = 'chart unavailable: ' + (err && err.message ? err.message : String(err));
        els[i].className += ' chart-error';
        console.error(err);
      }
    }
    var timer = null;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        for (var j = 0; j < charts.length; j++) {
          var c = charts[j];
          c.plot.setSize({ width: Math.max(320, c.el.clientWidth || 800), height: c.plot.height });
        }
      }, 100);
    });
    requestAnimationFrame(function () {
      document.documentElement.setAttribute('data-charts-ready', 'true');
    });
  }

  // The command box: copy the command that repeats the run.
  function initCopy() {
    var buttons = document.querySelectorAll('[data-copy]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener('click', function (ev) {
        var target = document.getElementById(ev.currentTarget.getAttribute('data-copy'));
        if (!target) return;
        var text = target.textContent || '';
        var button = ev.currentTarget;
        function done() {
          button.textContent = 'copied';
          setTimeout(function () {
            button.textContent = 'copy';
          }, 1500);
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () {
            selectText(target);
          });
        } else {
          selectText(target);
        }
      });
    }
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    if (sel) {
      sel.removeAllRanges();
      sel.addRange(range);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () {
      init();
      initCopy();
    });
  } else {
    init();
    initCopy();
  }
})();
