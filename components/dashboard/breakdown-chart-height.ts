/** A breakdown chart's height for this many bars (apart from the chart, so a page can size it before recharts loads). */
const ROW_HEIGHT = 26;

export function breakdownChartHeight(rows: number): number {
  return rows * ROW_HEIGHT + 28;
}
