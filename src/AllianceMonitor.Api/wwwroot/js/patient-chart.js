// Draws the patient's alliance chart from the JSON the server rendered into the canvas's data-chart attribute (no
// inline script, so the page's Content-Security-Policy can forbid it). The table under the chart carries the same numbers for screen readers.
(function () {
  'use strict';
  var canvas = document.getElementById('alliance-chart');
  var source = canvas && canvas.getAttribute('data-chart');
  if (!source || typeof Chart === 'undefined') { return; }
  var d = JSON.parse(source);
  var labels = d.sessions.map(function (n) { return String(n); });
  function at(list, key) {
    var values = d.sessions.map(function () { return null; });
    list.forEach(function (m) {
      var i = d.sessions.indexOf(m.session);
      if (i >= 0) { values[i] = d.value[i] !== null ? d.value[i] : d.baseline[i]; }
    });
    return values;
  }
  var chart = new Chart(canvas, {
    type: 'line',
    data: {
      labels: labels,
      datasets: [
        { label: 'Band (upper)', data: d.bandUpper, borderColor: 'rgba(11,92,173,0.35)', backgroundColor: 'rgba(11,92,173,0.10)', borderWidth: 1, pointRadius: 0, spanGaps: false, fill: false, yAxisID: 'y' },
        { label: 'Alert band', data: d.bandLower, borderColor: 'rgba(11,92,173,0.35)', backgroundColor: 'rgba(11,92,173,0.10)', borderWidth: 1, pointRadius: 0, spanGaps: false, fill: '-1', yAxisID: 'y' },
        { label: 'Baseline (shrunken mean)', data: d.baseline, borderColor: '#0b5cad', borderDash: [6, 4], borderWidth: 2, pointRadius: 0, yAxisID: 'y' },
        { label: 'Alliance (' + (d.instrument || '') + ')', data: d.value, borderColor: '#12324f', backgroundColor: '#12324f', borderWidth: 2.5, pointRadius: 3, yAxisID: 'y' },
        { label: 'Rupture', data: at(d.ruptures), type: 'line', showLine: false, pointStyle: 'triangle', rotation: 180, pointRadius: 9, borderColor: '#9b1c1c', backgroundColor: '#9b1c1c', yAxisID: 'y' },
        { label: 'Repair', data: at(d.repairs), type: 'line', showLine: false, pointStyle: 'circle', pointRadius: 7, borderColor: '#2f5d34', backgroundColor: '#2f5d34', yAxisID: 'y' },
        { label: 'Unrepaired', data: at(d.unrepaired), type: 'line', showLine: false, pointStyle: 'crossRot', pointRadius: 9, borderWidth: 3, borderColor: '#9b1c1c', backgroundColor: '#9b1c1c', yAxisID: 'y' },
        { label: (d.symptomInstrument || 'Symptoms') + ' (right axis)', data: d.symptoms, borderColor: '#8a4b00', backgroundColor: '#8a4b00', borderWidth: 1.5, pointRadius: 2, pointStyle: 'rect', yAxisID: 'y2' }
      ]
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { title: { display: true, text: 'Session' } },
        y: { title: { display: true, text: 'Alliance' }, suggestedMin: 1, suggestedMax: 5 },
        y2: { position: 'right', title: { display: true, text: d.symptomInstrument || 'Symptoms' }, suggestedMin: 0, suggestedMax: 27, grid: { drawOnChartArea: false } }
      },
      plugins: {
        legend: { labels: { filter: function (item) { return item.text !== 'Band (upper)'; } } },
        tooltip: {
          callbacks: {
            afterTitle: function (items) { var m = d.modality[items[0].dataIndex]; return m ? 'Modality: ' + m : ''; }
          }
        }
      }
    }
  });
  // The mark lets bench/dashboard time the page up to a drawn chart.
  if (window.performance && performance.mark) { performance.mark('chart-drawn'); }
  canvas.setAttribute('data-drawn', String(chart.data.datasets[3].data.filter(function (v) { return v !== null; }).length));
})();
