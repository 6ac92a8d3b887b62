// The dashboard's chart: Chart.js, only the pieces a grouped bar chart needs, loaded on the
// dashboard alone.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const COLOURS = ['#0a4f8f', '#0b6b2f', '#6b4700', '#7a2e8e'];

/** Shares (0–100 %) of each figure, one group of bars per row. */
export function bars(canvas, rows, labels, figures) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label || '—'),
      datasets: figures.map((f, i) => ({
        label: labels[i],
        data: rows.map((r) => (r[f] && r[f].share != null ? Math.round(r[f].share * 1000) / 10 : null)),
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
    },
  });
}
