//! A session's statistics panel: the figures (round trips, percentiles, jitter, losses,
//! passes and fails, bytes and rates each way) beside a plot of round trips over time (with a
//! rolling median), a histogram of round trips, or throughput in and out. Everything comes
//! from the transcript's [`Live`] statistics, the same module the command line uses.
//!
//! Plots are decimated to the pixels they have ([`Series::decimate`]), so a million round
//! trips draw like a few thousand. Hovering a point shows its value; clicking it selects its
//! transcript row.
//!
//! [`Series::decimate`]: crate::stats::series::Series::decimate

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, HoverPosition, Legend, Line, Plot, PlotPoint, Points};

use crate::i18n::Tr;
use crate::stats::Live;
use crate::t;
use crate::transcript::store::Counters;

/// Which plot the panel shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlotTab {
    /// Round trips over time, with their rolling median.
    #[default]
    RoundTrips,
    /// How many round trips took how long.
    Histogram,
    /// Bytes per second in and out.
    Throughput,
}

/// The panel's state, kept while it is open.
#[derive(Debug, Clone, Default)]
pub struct StatsView {
    /// The plot shown.
    pub tab: PlotTab,
    /// Where the plot was drawn last (for saving it as PNG), in points.
    pub plot_rect: Option<egui::Rect>,
    /// The round-trip plot's last mapping between its values and the screen.
    pub transform: Option<egui_plot::PlotTransform>,
}

/// What the user asked for in the panel.
#[derive(Debug, Clone, PartialEq)]
pub enum StatsAction {
    /// Select this transcript row (a point was clicked).
    Select(u64),
    /// Save the plot as PNG.
    SavePng,
}

/// Bars of the histogram.
const BARS: usize = 40;

/// A point counts as clicked within this many points of the pointer.
const CLICK_RADIUS: f32 = 10.0;

/// The figures the panel shows beside the plot.
pub struct Figures<'a> {
    /// The transcript's statistics.
    pub live: &'a Live,
    /// The transcript's totals.
    pub counters: &'a Counters,
    /// Echoes and expectations that passed and failed.
    pub verdicts: (u64, u64),
}

/// Draws the panel; returns what the user asked for.
pub fn stats_panel_ui(
    ui: &mut Ui,
    tr: &Tr,
    figures: &Figures<'_>,
    view: &mut StatsView,
) -> Option<StatsAction> {
    let mut action = None;
    let spacing = ui.spacing().item_spacing.x;
    let total = ui.available_width();
    let figures_width = (total * 0.4).min(300.0) - spacing;
    let height = ui.available_height();
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            egui::vec2(figures_width, height),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(figures_width);
                egui::ScrollArea::vertical().id_salt("figures").show(ui, |ui| figures_ui(ui, tr, figures));
            },
        );
        ui.separator();
        let plot_width = ui.available_width().max(100.0);
        ui.allocate_ui_with_layout(
            egui::vec2(plot_width, height),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(plot_width);
                ui.horizontal_wrapped(|ui| {
                    for (tab, name, hint) in [
                        (PlotTab::RoundTrips, t!(tr, "plot-rtt"), t!(tr, "plot-rtt-hint")),
                        (PlotTab::Histogram, t!(tr, "plot-histogram"), t!(tr, "plot-histogram-hint")),
                        (PlotTab::Throughput, t!(tr, "plot-throughput"), t!(tr, "plot-throughput-hint")),
                    ] {
                        ui.selectable_value(&mut view.tab, tab, name).on_hover_text(hint);
                    }
                    ui.separator();
                    if ui.button(t!(tr, "btn-save-png")).on_hover_text(t!(tr, "btn-save-png-hint")).clicked()
                    {
                        action = Some(StatsAction::SavePng);
                    }
                });
                // The plot with its axes and labels, as Save as PNG takes it.
                let scope = ui.scope(|ui| match view.tab {
                    PlotTab::RoundTrips => rtt_plot_ui(ui, tr, figures.live, view),
                    PlotTab::Histogram => histogram_ui(ui, tr, figures.live),
                    PlotTab::Throughput => throughput_ui(ui, tr, figures.live),
                });
                view.plot_rect = Some(scope.response.rect);
                let clicked = scope.inner;
                if let Some(seq) = clicked {
                    action = Some(StatsAction::Select(seq));
                }
            },
        );
    });
    action
}

/// The figures as a two-column grid.
fn figures_ui(ui: &mut Ui, tr: &Tr, figures: &Figures<'_>) {
    let live = figures.live;
    egui::Grid::new("stats").num_columns(2).striped(true).show(ui, |ui| {
        let mut row = |name: String, value: String| {
            ui.label(name);
            ui.label(RichText::new(value).monospace());
            ui.end_row();
        };
        row(t!(tr, "stats-count"), tr.number(live.rtts.count() as f64, 0));
        if let Some(s) = live.rtts.summary() {
            for (name, us) in s.named() {
                row(tr.render(&crate::vocabulary::figure_name(name)), tr.duration(us));
            }
            row(t!(tr, "stats-jitter-name"), tr.duration(s.jitter_us));
        }
        let (passed, failed) = figures.verdicts;
        row(t!(tr, "stats-passed"), tr.number(passed as f64, 0));
        row(t!(tr, "stats-failed"), tr.number(failed as f64, 0));
        row(t!(tr, "stats-lost"), tr.number(live.lost as f64, 0));
        row(t!(tr, "stats-bytes-out"), tr.bytes(figures.counters.bytes_out));
        row(t!(tr, "stats-bytes-in"), tr.bytes(figures.counters.bytes_in));
        let (now, mean) = (live.series.rates_at(jiff::Timestamp::now()), live.series.mean_rates());
        let rate = |bytes: f64, messages: f64| {
            t!(tr, "stats-rate", bytes = tr.bytes(bytes.round() as u64), messages = tr.number(messages, 1))
        };
        row(t!(tr, "stats-rate-out-now"), rate(now.bytes_out, now.messages_out));
        row(t!(tr, "stats-rate-in-now"), rate(now.bytes_in, now.messages_in));
        row(t!(tr, "stats-rate-out-mean"), rate(mean.bytes_out, mean.messages_out));
        row(t!(tr, "stats-rate-in-mean"), rate(mean.bytes_in, mean.messages_in));
    });
}

/// Round trips over time: points and their rolling median. Returns a clicked point's row.
fn rtt_plot_ui(ui: &mut Ui, tr: &Tr, live: &Live, view: &mut StatsView) -> Option<u64> {
    let series = &live.series;
    if series.points().is_empty() {
        ui.weak(t!(tr, "plot-empty"));
        return None;
    }
    let name_rtt = t!(tr, "plot-rtt-points");
    let name_median = t!(tr, "plot-rtt-median");
    let formatter_name = name_rtt.clone();
    let response = Plot::new("rtt")
        .legend(Legend::default())
        .x_axis_label(t!(tr, "plot-axis-seconds"))
        .y_axis_label(t!(tr, "plot-axis-ms"))
        .include_y(0.0)
        .allow_double_click_reset(true)
        .label_formatter(move |pos| match pos {
            HoverPosition::NearDataPoint { plot_name, position, .. } if *plot_name == formatter_name => {
                Some(format!("{plot_name}\n{:.3} s\n{:.3} ms", position.x, position.y))
            }
            _ => None,
        })
        .show(ui, |plot_ui| {
            let columns = plot_ui.response().rect.width().max(1.0) as usize;
            let (t0, t1) = if plot_ui.auto_bounds().x {
                (0.0, series.span())
            } else {
                let bounds = plot_ui.plot_bounds();
                (bounds.min()[0], bounds.max()[0])
            };
            let decimated = series.decimate(t0, t1, columns);
            let points = Points::new(name_rtt, decimated.points.clone()).radius(2.0);
            plot_ui.points(points);
            plot_ui.line(Line::new(name_median, decimated.median.clone()).width(2.0));
            decimated
        });
    view.transform = Some(response.transform);
    if !response.response.clicked() {
        return None;
    }
    let pointer = response.response.interact_pointer_pos().or(response.response.hover_pos())?;
    let decimated = response.inner;
    let (best, distance) = decimated
        .points
        .iter()
        .zip(&decimated.seqs)
        .map(|(p, seq)| {
            let at = response.transform.position_from_point(&PlotPoint::new(p[0], p[1]));
            (*seq, at.distance(pointer))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    (distance <= CLICK_RADIUS).then_some(best)
}

/// How many round trips took how long.
fn histogram_ui(ui: &mut Ui, tr: &Tr, live: &Live) -> Option<u64> {
    if live.rtts.count() == 0 {
        ui.weak(t!(tr, "plot-empty"));
        return None;
    }
    histogram_plot(ui, tr, &live.rtts, ("histogram", BARS, None));
    None
}

/// Round trips as a histogram: at most `bars` bars (each named by its range, for hovering),
/// under the plot's id, at a fixed height or all that is left. The statistics window and
/// the Load window both draw it.
pub fn histogram_plot(
    ui: &mut Ui,
    tr: &Tr,
    rtts: &crate::stats::RoundTrips,
    (id, bars, height): (&str, usize, Option<f32>),
) {
    let bins = rtts.bins(bars);
    let last = bins.len().saturating_sub(1);
    let bars: Vec<Bar> = bins
        .iter()
        .enumerate()
        .map(|(i, bin)| {
            let (lo, hi) = (bin.lo_us as f64 / 1000.0, bin.hi_us as f64 / 1000.0);
            let range = if i == last {
                t!(tr, "plot-bar-last", from = tr.duration(bin.lo_us))
            } else {
                t!(tr, "plot-bar", from = tr.duration(bin.lo_us), to = tr.duration(bin.hi_us))
            };
            Bar::new((lo + hi) / 2.0, bin.count as f64).width(hi - lo).name(range)
        })
        .collect();
    let mut plot = Plot::new(id)
        .x_axis_label(t!(tr, "plot-axis-ms"))
        .y_axis_label(t!(tr, "plot-axis-count"))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false);
    if let Some(height) = height {
        plot = plot.height(height);
    }
    plot.show(ui, |plot_ui| plot_ui.bar_chart(BarChart::new(t!(tr, "plot-histogram"), bars)));
}

/// Bytes per second in and out over time.
fn throughput_ui(ui: &mut Ui, tr: &Tr, live: &Live) -> Option<u64> {
    if live.series.seconds().is_empty() {
        ui.weak(t!(tr, "plot-empty"));
        return None;
    }
    let columns = ui.available_width().max(1.0) as usize;
    let (incoming, outgoing) = live.series.throughput(columns);
    Plot::new("throughput")
        .legend(Legend::default())
        .x_axis_label(t!(tr, "plot-axis-seconds"))
        .y_axis_label(t!(tr, "plot-axis-bytes-per-s"))
        .y_axis_formatter(
            |mark, _| if mark.value < 0.0 { String::new() } else { tr.bytes(mark.value as u64) },
        )
        .include_y(0.0)
        .show(ui, |plot_ui| {
            plot_ui.line(Line::new(t!(tr, "plot-out"), outgoing).width(2.0));
            plot_ui.line(Line::new(t!(tr, "plot-in"), incoming).width(2.0));
        });
    None
}
