//! The desk's input track in the app: the [`LiveInput`] resource (not `Send`: a device stream
//! stays on the main thread) holds the track while it is open; the UI pass pumps it once a
//! frame (draining the device's queue, off the audio thread) and applies what its panel asks:
//! open, close, controls, record and stop. A finished take goes into the data folder's
//! `takes/` and onto the desk as a file track.
//!
//! Nothing opens the microphone until the student asks ("Live input" on the desk).

use std::path::PathBuf;

use bevy::prelude::*;

use crate::audio::input::InputBackend;
use crate::sim::input_track::{InputTrack, InputView};
use crate::ui::input_track::InputActions;

use super::AppOptions;
use super::simulation::UiState;

/// The input track, when open, and where its takes go.
pub struct LiveInput {
    backend: Box<dyn InputBackend>,
    track: Option<InputTrack>,
    takes_dir: Option<PathBuf>,
}

/// The plugin: an input track that is closed until asked for.
pub fn plugin(options: &AppOptions) -> impl Fn(&mut App) + use<> {
    let takes_dir = options.data_dir.clone().or_else(crate::fsutil::data_dir).map(|d| d.join("takes"));
    move |app: &mut App| {
        app.insert_non_send(LiveInput {
            backend: crate::platform::sound::input_backend(),
            track: None,
            takes_dir: takes_dir.clone(),
        });
    }
}

impl LiveInput {
    /// Takes in what the input delivered; returns what the track shows (none: closed).
    pub fn pump(&mut self) -> Option<InputView> {
        let track = self.track.as_mut()?;
        track.pump();
        Some(track.view())
    }

    /// Applies the desk's requests: `open` (the toolbar's "Live input") and the panel's.
    pub fn handle(&mut self, open: bool, actions: InputActions, ui: &mut UiState) {
        let controls = ui.0.chain.input;
        if (open && self.track.is_none()) || actions.reopen {
            self.track = Some(InputTrack::open(self.backend.as_mut(), controls));
        }
        if actions.close {
            self.track = None;
            return;
        }
        let Some(track) = &mut self.track else { return };
        if actions.changed {
            track.set_controls(controls);
        }
        if actions.reset_meters {
            track.reset_meters();
        }
        if actions.record {
            track.start_recording();
        }
        if actions.stop {
            let bits = track.controls().bits;
            let stamp = crate::figures::timestamp(std::time::SystemTime::now());
            let result = match &self.takes_dir {
                Some(dir) => track.stop_recording(dir, &stamp),
                None => Err("no data folder to keep takes in".to_string()),
            };
            match result {
                Ok(take) => super::chain::add_take(ui, &take, bits),
                Err(e) => ui.0.chain.message = Some((format!("the take was not saved: {e}"), true)),
            }
        }
    }
}
