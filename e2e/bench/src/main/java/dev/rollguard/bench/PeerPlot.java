package dev.rollguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.bench.Results.PeerRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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

/**
 * Both controllers against the number of Rollouts: idle resident memory, CPU per deploy and the
 * decisive measurement → act latency (p99), as a PNG. Written by every peer run; sizes measured in
 * separate runs are drawn together with {@code java -cp rollguard-bench.jar
 * dev.rollguard.bench.PeerPlot OUT.png results.json...}.
 */
final class PeerPlot {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PeerPlot() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PeerPlot OUT.png RESULTS.json...");
      System.exit(2);
    }
    List<JsonNode> runs = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      JSON.readTree(Path.of(args[i]).toFile()).path("peerRuns").forEach(runs::add);
    }
    write(runs, Path.of(args[0]));
    System.out.println("wrote " + args[0] + " (" + runs.size() + " sizes)");
  }

  static void writeRuns(List<PeerRun> runs, Path png) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    runs.forEach(run -> nodes.add(JSON.valueToTree(run)));
    write(nodes, png);
  }

  private static void write(List<JsonNode> runs, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    runs.sort(Comparator.comparingInt(run -> run.path("rollouts").asInt()));
    String id = runs.isEmpty() ? "" : runs.get(0).path("peer").path("controller").asText();
    String peer = id.equals("argo-rollouts") ? "Argo Rollouts" : id;
    CombinedDomainXYPlot plot =
        new CombinedDomainXYPlot(new LogarithmicAxis("Rollouts on one controller (log scale)"));
    plot.setGap(12);
    plot.add(subplot(runs, peer, "idle RSS (MiB)", "/idle/residentMiB"), 1);
    plot.add(subplot(runs, peer, "CPU s per deploy", "/wave/cpuSecondsPerDeploy"), 1);
    plot.add(
        subplot(runs, peer, "decisive → act p99 (s)", "/wave/decisiveAnswerToActP99Seconds"), 1);
    JFreeChart chart =
        new JFreeChart(
            "Rollguard and " + peer + ", same fleet and deploy wave",
            JFreeChart.DEFAULT_TITLE_FONT,
            plot,
            true);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 800);
  }

  private static XYPlot subplot(List<JsonNode> runs, String peer, String label, String pointer) {
    XYSeries ours = new XYSeries("Rollguard: " + label);
    XYSeries theirs = new XYSeries(peer + ": " + label);
    for (JsonNode run : runs) {
      int size = run.path("rollouts").asInt();
      JsonNode a = run.path("rollguard").at(pointer);
      JsonNode b = run.path("peer").at(pointer);
      if (a.isNumber()) {
        ours.add(size, a.asDouble());
      }
      if (b.isNumber()) {
        theirs.add(size, b.asDouble());
      }
    }
    XYSeriesCollection data = new XYSeriesCollection(ours);
    data.addSeries(theirs);
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(true);
    // The same colour for a controller in every panel.
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    renderer.setSeriesPaint(0, new java.awt.Color(0xC0392B));
    renderer.setSeriesPaint(1, new java.awt.Color(0x2E86C1));
    return new XYPlot(data, null, axis, renderer);
  }
}
