//! Every pass/warn/fail limit in one place, each with where it comes from.

use preflight_audio::ClipParams;

/// Microphone limits.
pub mod mic {
    /// Below this overall level the mic delivers no usable signal: muted, wrong device, or
    /// unplugged (testRTC: RMS below −60 dBFS = no signal).
    pub const NO_SIGNAL_DBFS: f32 = -60.0;
    /// Voice quieter than this is hard to hear; the usual speech target is about −26..−12 dBFS
    /// (EBU/ITU speech level practice; WebRTC AGC aims near −18 dBFS).
    pub const QUIET_SPEECH_DBFS: f32 = -35.0;
    /// Background (noise floor) above this is not a quiet place (about −45 dBFS: a quiet
    /// office; traffic through an open window or a busy café sits well above).
    pub const NOISY_ROOM_DBFS: f32 = -45.0;
    /// Number of clipping events tolerated (none: any distortion is heard by the mentee).
    pub const MAX_CLIPPING_EVENTS: usize = 0;
    /// Dropouts and glitches tolerated (none: each is a word the mentee may miss).
    pub const MAX_DROPOUTS: usize = 0;
    /// |DC offset| above this (5 % of full scale, about −26 dBFS) points to a faulty microphone
    /// or converter; a healthy one sits well under 1 % (engineering practice, not a standard).
    pub const MAX_DC_OFFSET: f32 = 0.05;
    /// Another microphone hears the mentor clearly better when its voice stands this much
    /// further above its own background than on the chosen one: 10 dB is about twice as loud
    /// to the ear (Stevens' sone scale), and the gap between a headset at the mouth and a
    /// laptop's built-in microphone across the desk.
    pub const BETTER_INPUT_DB: f32 = 10.0;
    /// A microphone hears the voice when the voice stands at least this far above its
    /// background: the signal-to-noise ratio at which speech is easily understood (ANSI/ASA
    /// S12.60 asks classrooms for +15 dB).
    pub const HEARS_VOICE_DB: f32 = 15.0;
    /// Voice-above-background is compared up to this: beyond about 60 dB the background is the
    /// converter's own (or digital silence), not the room, and says nothing more about how well
    /// the voice is heard.
    pub const CLARITY_CAP_DB: f32 = 60.0;
}

/// The live microphone meter's bands (what the mentor sees while speaking, not a verdict).
pub mod meter {
    /// Above this the voice is too loud and near distortion (6 dB of headroom below full
    /// scale, as broadcast and call apps keep).
    pub const LOUD_DBFS: f32 = -6.0;
    /// From here up to [`LOUD_DBFS`] the voice comes through well: around the −26..−12 dBFS
    /// speech target, with room for softer syllables.
    pub const GOOD_DBFS: f32 = -30.0;
    /// Below this the meter says "silent": hardly anything reaches the microphone (−50 dBFS is
    /// a quiet room's background).
    pub const QUIET_DBFS: f32 = -50.0;
}

/// How clipping is recognised (testRTC: more than 6 consecutive full-scale samples).
pub fn clip_params() -> ClipParams {
    ClipParams {
        level: 0.999,
        min_run: 7,
    }
}

/// Camera limits.
pub mod camera {
    /// Below this delivered frame rate video is unusable (testRTC: fps < 5 fails).
    pub const MIN_FPS: f32 = 5.0;
    /// Below this the picture looks jerky; call apps send 15–30 fps (testRTC warns under 15).
    pub const LOW_FPS: f32 = 15.0;
    /// More than this share of black frames fails (testRTC: > 1/3 of frames).
    pub const MAX_BLACK_SHARE: f32 = 1.0 / 3.0;
    /// Mean luma (0–255) below this: the picture is too dark to see a face well.
    pub const DARK_LUMA: f32 = 60.0;
    /// Mean luma above this: the picture is washed out.
    pub const BRIGHT_LUMA: f32 = 200.0;
    /// Frames narrower than this are below the 360p call apps fall back to.
    pub const MIN_WIDTH: u32 = 640;
    /// More than this share of frozen frames (SSIM > 0.985 with the previous one) fails
    /// (testRTC: > 1/3 of frames).
    pub const MAX_FROZEN_SHARE: f32 = 1.0 / 3.0;
    /// Delivered width below this share of the requested width: the camera gave a smaller
    /// picture than asked (often a USB bandwidth limit).
    pub const MIN_WIDTH_SHARE: f32 = 0.75;
    /// More than this share of blown-out pixels: the picture is washed out.
    pub const MAX_BRIGHT_SHARE: f32 = 0.25;
    /// Backlight: the surround is at least this much brighter (luma) than the centre…
    pub const BACKLIGHT_DIFF: f32 = 60.0;
    /// …and itself bright (a window or lamp behind the mentor).
    pub const BACKLIGHT_SURROUND: f32 = 150.0;
    /// Variance of the Laplacian at 320 px wide below which the picture is blurry. Calibrated on
    /// the fixture photographs (fixtures/photos): sharp originals score 285–1444, a Gaussian
    /// blur of σ = 6 px at 720p brings three of four under 25 (crates/verdict/tests/camera_photos.rs).
    pub const BLURRY_SHARPNESS: f32 = 40.0;
    /// A chromaticity share above this for blue or green is a colour cast (neutral is 0.333;
    /// natural indoor scenes stay below about 0.36 blue and 0.34 green, they lean warm).
    pub const CAST_BLUE_GREEN: f32 = 0.40;
    /// Red share above this is a strong orange cast (warm scenes reach about 0.54).
    pub const CAST_RED: f32 = 0.60;
}

/// Framing and light on the face (`preflight_person::framing` measures, frame coordinates 0–1).
/// Sources: the broadcast head-and-shoulders framing with the eyes on the upper third line
/// (BBC Academy, "Framing: the rule of thirds"; the same advice in Zoom's and Microsoft Teams'
/// video-meeting tips: camera at eye level, eyes about a third down, centred, some headroom);
/// face-light guidance from the same tips (light in front, not behind; no window behind you).
pub mod framing {
    /// The face's centre further than this from the middle: off-centre.
    pub const OFF_CENTRE: f32 = 0.18;
    /// Eyes higher than this (share of the height from the top): cramped against the top edge.
    pub const EYES_HIGH: f32 = 0.18;
    /// Eyes lower than this: too much empty space above the head (the camera is too high or the
    /// mentor sits low); the third line is at 0.33.
    pub const EYES_LOW: f32 = 0.50;
    /// Face box (eyebrows to chin) shorter than this share of the height: too far away (a head
    /// and shoulders shot puts the head at about a third of the height, the box at about 0.2).
    pub const FACE_SMALL: f32 = 0.10;
    /// Face box taller than this: too close.
    pub const FACE_LARGE: f32 = 0.45;
    /// More than this share of the face box outside the picture: the face is cut off.
    pub const FACE_OUTSIDE: f32 = 0.10;
    /// The face at most this share of the background's brightness…
    pub const BACKLIT_RATIO: f32 = 0.65;
    /// …with a background at least this bright (0–255): a window or lamp behind the mentor.
    pub const BACKLIT_BACKGROUND: f32 = 120.0;
    /// Mean brightness of the face below this (0–255): too dark to read expressions.
    pub const FACE_DARK: f32 = 55.0;
    /// The darker half of the face under this share of the brighter half: strong side light.
    pub const UNEVEN: f32 = 0.60;
    /// The nose tip closer than this to the eye line (share of eyes-to-mouth): the camera is
    /// well below the face, looking up (frontal faces measure 0.45–0.6 with this detector).
    pub const NOSE_HIGH: f32 = 0.33;
}

/// Background busyness limits on the 0–100 score of `preflight-scene` (person left out).
/// Calibrated on the 50 labelled photos (`fixtures/photos/labels.csv`; `cargo run --release -p
/// preflight-person --example calibrate` prints every score): photos we labelled plain or calm
/// (1–2) score 0–24, everyday ones (3) mostly 25–43, busy ones (4) 28–81, very busy (5) 49–100.
pub mod background {
    /// Up to here the background reads as plain (a wall, a tidy bookshelf at a distance). Of
    /// the 106 labelled pictures (`fixtures/photos/labels.csv`), from here: all 15 labelled very
    /// busy, 21 of 26 busy, 16 of 27 everyday, 5 of 25 calm and none of the 13 plain.
    pub const WARN_SCORE: f32 = 25.0;
    /// From here it is distracting (busy shelves, patterns, clutter): 9 of the 15 pictures
    /// labelled very busy, 9 of 26 busy, 1 of 27 everyday, none calmer.
    pub const FAIL_SCORE: f32 = 60.0;
}

pub mod path {
    /// Loss above this fails (Daily: over 10 % is "bad").
    pub const FAIL_LOSS_PCT: f64 = 10.0;
    /// Mean RTT above this fails (Daily: over 600 ms is "bad").
    pub const FAIL_RTT_MS: f64 = 600.0;
    /// Loss above this warns (Twilio's warning: > 3 %; Daily's good band ends at 5 %).
    pub const WARN_LOSS_PCT: f64 = 3.0;
    /// Mean RTT above this warns (Daily: good below 300 ms; Twilio warns above 400 ms).
    pub const WARN_RTT_MS: f64 = 300.0;
    /// Jitter above this warns (Twilio: > 30 ms).
    pub const WARN_JITTER_MS: f64 = 30.0;
}

/// Connection capacity (Mbps) for a one-to-one video call, and delay under load.
pub mod capacity {
    /// Upload for HD (720p) video: Zoom's system requirements give 1.2 Mbps up for 720p HD
    /// one-to-one and 1.5 Mbps for group HD; Microsoft Teams gives 1.5 Mbps for HD video.
    pub const HD_UP_MBPS: f64 = 1.5;
    /// Download for receiving HD video (same sources, same figures).
    pub const HD_DOWN_MBPS: f64 = 1.5;
    /// Video at lower quality (360p): Zoom's 600 kbps for high-quality video.
    pub const VIDEO_UP_MBPS: f64 = 0.6;
    /// Receiving lower-quality video.
    pub const VIDEO_DOWN_MBPS: f64 = 0.6;
    /// Audio only: Zoom's 60–80 kbps and Teams' 76 kbps for audio, rounded up for overhead.
    pub const AUDIO_MBPS: f64 = 0.1;
    /// Extra round trip under load above this warns: Waveform's bufferbloat grades put more
    /// than +60 ms at B and below, and more than +200 ms at C ("video calls may stutter");
    /// +100 ms is where a call's own delay budget (ITU-T G.114: one-way under 150 ms) starts
    /// to be eaten.
    pub const BLOAT_WARN_MS: f64 = 100.0;
}

/// Wi‑Fi signal below this (dBm) is weak: video calls want about −67 dBm or better (the usual
/// Wi‑Fi design target for voice and video); below −70 dBm throughput and retries suffer.
pub const WEAK_WIFI_DBM: i32 = -70;
