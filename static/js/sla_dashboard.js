// The SLA dashboard's charts (Apache ECharts, vendored): data from the page's JSON block, a click opens the list
// behind the bar or point. No inline script, so the Content-Security-Policy needs nothing more.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("sla-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var key = element.getAttribute("data-chart");
    var items = data[key] || [];
    if (!items.length) { return; }
    element.style.height = "320px";
    var chart = echarts.init(element);
    chart.setOption({
      title: { text: data.labels[key], left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, bottom: 72, top: 40 },
      xAxis: { type: "category", data: items.map(function (i) { return i.name; }), axisLabel: { rotate: 30 } },
      yAxis: { type: "value" },
      series: [{ type: key === "on_time" ? "line" : "bar", data: items.map(function (i) { return i.value; }) }]
    });
    chart.on("click", function (params) {
      var item = items[params.dataIndex];
      if (item && item.url) { window.location.href = item.url; }
    });
  });
});
