package dev.assent.bench.report;

import dev.assent.bench.managers.Manager;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Throughput against threads, one line per manager, both axes logarithmic (the managers span
 * orders of magnitude), with the measured fsync rate of one writer as a dashed reference line.
 */
final class ThroughputChart {
    private ThroughputChart() {}

    static void write(Comparison comparison, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(1100)
                .height(650)
                .title(title)
                .xAxisTitle("threads (log scale)")
                .yAxisTitle("transactions committed per second (log scale)")
                .build();
        XYStyler styler = chart.getStyler();
        styler.setXAxisLogarithmic(true);
        styler.setYAxisLogarithmic(true);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setMarkerSize(8);
        styler.setAntiAlias(true);
        styler.setXAxisDecimalPattern("#,##0");
        styler.setYAxisDecimalPattern("#,##0");

        for (String manager : comparison.managers()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int threads : comparison.threadCounts()) {
                comparison.result(manager, threads).filter(m -> m.median() > 0).ifPresent(m -> {
                    x.add((double) threads);
                    y.add(m.median());
                });
            }
            if (!x.isEmpty()) {
                XYSeries series = chart.addSeries(label(manager), x, y);
                Manager.byId(manager).ifPresent(m -> style(series, m));
            }
        }
        Optional<Measurement> limit = comparison.fsync("preallocated");
        List<Integer> threads = comparison.threadCounts();
        if (limit.isPresent() && limit.get().median() > 0 && !threads.isEmpty()) {
            double rate = limit.get().median();
            XYSeries line = chart.addSeries(
                    "fsync limit: one writer, force(false) per commit (preallocated file)",
                    List.of((double) threads.get(0), (double) threads.get(threads.size() - 1)),
                    List.of(rate, rate));
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(Color.GRAY);
            line.setLineStyle(
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
        }
        if (chart.getSeriesMap().isEmpty()) {
            throw new IOException("nothing to draw: no coordinator result and no fsync result");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    /** Fixed colours, so that charts of different runs compare at a glance; Assent drawn thicker. */
    private static void style(XYSeries series, Manager manager) {
        Color color = switch (manager) {
            case ASSENT_FILE -> new Color(0x1f, 0x4e, 0xd8);
            case ASSENT_MEMORY -> new Color(0x7f, 0xa8, 0xf0);
            case NARAYANA_SHADOW -> new Color(0x9b, 0x3d, 0xc8);
            case NARAYANA_JOURNAL -> new Color(0x2e, 0x9e, 0x44);
            case ATOMIKOS -> new Color(0xd6, 0x33, 0x2f);
            case GERONIMO_HOWL -> new Color(0xe0, 0x8a, 0x00);
        };
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setLineWidth(manager.peer() ? 2f : 3.5f);
    }

    private static String label(String manager) {
        return Manager.byId(manager).map(Manager::description).orElse(manager);
    }
}
