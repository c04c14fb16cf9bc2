// The trainer's coverage chart (Apache ECharts, vendored): trained and listed subjects by month as bars, the
// coverage as a line against the target. Data from the page's JSON block; no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("training-chart-data");
  var element = document.getElementById("training-coverage-chart");
  if (!source || !element || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  element.style.height = "320px";
  var chart = echarts.init(element);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [labels.trained, labels.population, labels.ratio], top: 0 },
    grid: { left: 48, right: 56, bottom: 32, top: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: [
      { type: "value", name: labels.count, minInterval: 1 },
      { type: "value", name: labels.ratio, min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
    ],
    series: [
      { name: labels.trained, type: "bar", data: data.trained },
      { name: labels.population, type: "bar", data: data.population },
      {
        name: labels.ratio, type: "line", yAxisIndex: 1, data: data.ratio, connectNulls: false,
        markLine: { symbol: "none", data: [{ yAxis: data.target, name: labels.target }],
                    label: { formatter: labels.target + " " + data.target + "%" } }
      }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
