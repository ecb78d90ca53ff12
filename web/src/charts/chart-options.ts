/**
 * ECharts options per visualization type: LineChart and AreaChart over time, ColumnChart
 * (vertical bars), BarChart (horizontal bars), and the funnel of a funnel cube. Axis names come
 * from the visualization's `xAxis`/`yAxis`; tooltips and axes show numbers for people; a legend
 * appears when there is more than one series.
 */
import type { VisualizationOptions } from "../api/types";
import { formatCompact, formatDay, formatGrouped } from "../format/number";
import { type ChartOption, PALETTE } from "./echarts";
import type { ChartData } from "./series";

const AXIS_TEXT = "#475569";
const SPLIT_LINE = "#e2e8f0";

const base = (data: { series: unknown[] }, axisName?: string): ChartOption => ({
  color: PALETTE,
  // Cube answers in UTC; the axes say the same days whatever the browser's time zone.
  useUTC: true,
  aria: { enabled: true, decal: { show: false } },
  animationDuration: 300,
  textStyle: { fontFamily: "inherit" },
  legend:
    data.series.length > 1
      ? {
          type: "scroll",
          bottom: 0,
          icon: "roundRect",
          itemWidth: 12,
          itemHeight: 8,
          textStyle: { color: AXIS_TEXT },
        }
      : { show: false },
  grid: {
    left: 8,
    right: 16,
    top: 28,
    // Room for the legend and, below the axis, the axis name.
    bottom: (data.series.length > 1 ? 28 : 0) + (axisName ? 24 : 8),
    outerBoundsMode: "same",
    outerBoundsContain: "axisLabel",
  },
});

/** An axis name, left out when there is none (ECharts' types refuse `undefined`). */
const named = (name: string | undefined) => (name ? { name } : {});

const valueAxis = (name: string | undefined) => ({
  type: "value" as const,
  ...named(name),
  nameTextStyle: { color: AXIS_TEXT, align: "left" as const },
  axisLabel: { color: AXIS_TEXT, formatter: (v: number) => formatCompact(v) },
  splitLine: { lineStyle: { color: SPLIT_LINE } },
});

export function timeChartOption(
  type: string,
  data: ChartData,
  options: VisualizationOptions = {},
): ChartOption {
  const bars = type === "ColumnChart" || type === "BarChart";
  const area = type === "AreaChart";
  return {
    ...base(data, options.xAxis?.name),
    tooltip: {
      trigger: "axis",
      valueFormatter: (v) => formatGrouped(Number(v)),
      axisPointer: { type: bars ? "shadow" : "line" },
    },
    xAxis: {
      type: "time",
      ...named(options.xAxis?.name),
      nameLocation: "middle",
      nameGap: 28,
      nameTextStyle: { color: AXIS_TEXT },
      axisLabel: {
        color: AXIS_TEXT,
        hideOverlap: true,
        formatter: { year: "{yyyy}", month: "{MMM}", day: "{MMM} {d}", hour: "{HH}:{mm}" },
      },
      axisLine: { lineStyle: { color: SPLIT_LINE } },
      axisPointer: {
        label: { formatter: (p) => formatDay(new Date(Number(p.value)).toISOString()) },
      },
    },
    yAxis: valueAxis(options.yAxis?.name),
    series: data.series.map((s) =>
      bars
        ? {
            type: "bar",
            name: s.name,
            data: s.points,
            barMaxWidth: 24,
            itemStyle: { borderRadius: [3, 3, 0, 0] },
          }
        : {
            type: "line",
            name: s.name,
            data: s.points,
            showSymbol: s.points.length < 2,
            symbolSize: 6,
            lineStyle: { width: 2 },
            emphasis: { focus: "series" },
            ...(area ? { areaStyle: { opacity: 0.18 } } : {}),
          },
    ),
  };
}

export function categoryChartOption(
  type: string,
  data: ChartData,
  options: VisualizationOptions = {},
): ChartOption {
  const horizontal = type === "BarChart";
  const category = {
    type: "category" as const,
    data: data.categories,
    inverse: horizontal,
    axisLabel: {
      color: AXIS_TEXT,
      width: horizontal ? 140 : 90,
      overflow: "truncate" as const,
      hideOverlap: true,
    },
    axisLine: { lineStyle: { color: SPLIT_LINE } },
    axisTick: { show: false },
  };
  const lines = type === "LineChart" || type === "AreaChart";
  return {
    ...base(data),
    tooltip: {
      trigger: "axis",
      valueFormatter: (v) => formatGrouped(Number(v)),
      axisPointer: { type: lines ? "line" : "shadow" },
    },
    xAxis: horizontal
      ? valueAxis(options.yAxis?.name)
      : { ...category, ...named(options.xAxis?.name) },
    yAxis: horizontal
      ? { ...category, ...named(options.xAxis?.name) }
      : valueAxis(options.yAxis?.name),
    series: data.series.map((s) =>
      lines
        ? {
            type: "line",
            name: s.name,
            data: s.points.map((p) => p[1]),
            lineStyle: { width: 2 },
            ...(type === "AreaChart" ? { areaStyle: { opacity: 0.18 } } : {}),
          }
        : {
            type: "bar",
            name: s.name,
            data: s.points.map((p) => p[1]),
            barMaxWidth: 28,
            itemStyle: { borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0] },
          },
    ),
  };
}

export function funnelChartOption(steps: Array<{ name: string; value: number }>): ChartOption {
  const first = steps[0]?.value ?? 0;
  return {
    color: PALETTE,
    aria: { enabled: true },
    tooltip: {
      trigger: "item",
      formatter: (p) => {
        const item = Array.isArray(p) ? p[0] : p;
        const value = Number(item?.value ?? 0);
        const share = first ? ` (${((value / first) * 100).toFixed(1)}%)` : "";
        return `${item?.name}: ${formatGrouped(value)} users${share}`;
      },
    },
    series: [
      {
        type: "funnel",
        sort: "none",
        left: "10%",
        width: "80%",
        top: 8,
        bottom: 8,
        minSize: "8%",
        gap: 2,
        label: {
          show: true,
          position: "inside",
          color: "#fff",
          formatter: (p) => `${p.name}  ${formatCompact(Number(p.value))}`,
        },
        data: steps,
      },
    ],
  };
}
