package dev.rollguard.bench;

import dev.rollguard.bench.Results.SizeResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Memory and tick lag against the number of Rollouts, as a PNG. */
final class Plot {

  private Plot() {}

  static void write(List<SizeResult> runs, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries heap = new XYSeries("heap after full GC (MiB)");
    XYSeries resident = new XYSeries("resident memory (MiB)");
    XYSeries lag50 = new XYSeries("tick lag p50 (s)");
    XYSeries lag99 = new XYSeries("tick lag p99 (s)");
    for (SizeResult run : runs) {
      heap.add(run.rollouts(), run.idle().heapAfterGcMiB());
      resident.add(run.rollouts(), run.idle().residentMiB());
      lag50.add(run.rollouts(), run.wave().tickLagP50Seconds());
      lag99.add(run.rollouts(), run.wave().tickLagP99Seconds());
    }
    LogarithmicAxis rollouts = new LogarithmicAxis("Rollouts on one operator process (log scale)");
    rollouts.setAllowNegativesFlag(false);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(rollouts);
    plot.setGap(12);
    plot.add(
        subplot(
            new XYSeriesCollection(heap) {
              {
                addSeries(resident);
              }
            },
            "MiB"),
        1);
    plot.add(
        subplot(
            new XYSeriesCollection(lag50) {
              {
                addSeries(lag99);
              }
            },
            "seconds (deploy wave)"),
        1);
    JFreeChart chart =
        new JFreeChart(
            "Rollguard: memory and analysis tick lag vs. Rollouts",
            JFreeChart.DEFAULT_TITLE_FONT,
            plot,
            true);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 650);
  }

  private static XYPlot subplot(XYSeriesCollection data, String label) {
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(true);
    return new XYPlot(data, null, axis, new XYLineAndShapeRenderer(true, true));
  }
}
