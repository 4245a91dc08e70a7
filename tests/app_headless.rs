//! The simulation plugin in a headless Bevy app (MinimalPlugins, no window): a parameter change
//! reaches the analysis resource on the next update, and the transport moves time on.

use std::time::Duration;

use bevy::prelude::*;
use headroom_lab::app::AppOptions;
use headroom_lab::app::simulation::{ConverterResults, UiState, plugin};
use headroom_lab::dsp::quantizer::BitDepth;

fn app() -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(Duration::from_millis(20)))
        .add_plugins(plugin(&AppOptions::default()));
    app.update();
    app
}

#[test]
fn a_parameter_change_updates_the_analysis() {
    let mut app = app();
    let before = app.world().resource::<ConverterResults>().snapshot.theory_snr_db;
    assert!((before - 97.09).abs() < 0.05, "16 bits at -1 dBFS: {before}");
    let runs = app.world().resource::<ConverterResults>().runs;

    app.world_mut().resource_mut::<UiState>().0.converter.params.quantizer.bit_depth = BitDepth::Fixed(8);
    app.update();
    let r = app.world().resource::<ConverterResults>();
    assert_eq!(r.runs, runs + 1, "one analysis per change");
    assert!((r.snapshot.theory_snr_db - (before - 8.0 * 6.0206)).abs() < 0.01);
    let measured = r.snapshot.sine.expect("sine").snr_db;
    assert!((measured - r.snapshot.theory_snr_db).abs() < 0.5);

    // Nothing changed: no analysis.
    app.update();
    assert_eq!(app.world().resource::<ConverterResults>().runs, runs + 1);
}

#[test]
fn the_transport_runs_time_and_pausing_holds_it() {
    let mut app = app();
    app.world_mut().resource_mut::<UiState>().0.playing = true;
    app.update();
    app.update();
    let p1 = app.world().resource::<ConverterResults>().position;
    app.update();
    let p2 = app.world().resource::<ConverterResults>().position;
    assert_eq!(p2 - p1, 960, "20 ms at 48 kHz per frame");
    assert_eq!(app.world().resource::<ConverterResults>().snapshot.start, p2);

    app.world_mut().resource_mut::<UiState>().0.playing = false;
    app.update();
    let held = app.world().resource::<ConverterResults>().position;
    app.update();
    assert_eq!(app.world().resource::<ConverterResults>().position, held);
}
