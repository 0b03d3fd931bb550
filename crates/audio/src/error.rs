use thiserror::Error;

/// Why talking to an audio device failed. Each variant's message is written for a mentor,
/// not for a programmer: it says what happened and, where possible, what to do.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum AudioError {
    /// The sound system reports no microphone at all.
    #[error("No microphone was found. Plug in a headset or microphone, or check that it is switched on.")]
    NoInputDevice,
    /// The sound system reports no speakers or headphones at all.
    #[error(
        "No speakers or headphones were found. Plug in headphones or check your sound settings."
    )]
    NoOutputDevice,
    /// The device the user picked is not there (unplugged or renamed).
    #[error(
        "The audio device \"{wanted}\" was not found. It may be unplugged. Available: {available}."
    )]
    DeviceNotFound {
        /// Name that was asked for.
        wanted: String,
        /// Names that are available, comma separated.
        available: String,
    },
    /// Another program holds the device exclusively.
    #[error("The audio device \"{0}\" is busy: another program is using it. Close other call or recording apps and try again.")]
    Busy(String),
    /// The operating system refused access.
    #[error("Access to the audio device \"{0}\" was refused. Allow microphone access for this app in your system's privacy settings.")]
    PermissionDenied(String),
    /// The device could not be opened: it is not there or not working.
    #[error("The audio device \"{0}\" is not available: it may be unplugged, switched off or disabled. Plug it in or pick another device.")]
    Unavailable(String),
    /// The device disappeared while in use.
    #[error("The audio device \"{0}\" stopped working during the check (was it unplugged?). Reconnect it and try again.")]
    Disconnected(String),
    /// Nothing arrived from the device within the time allowed.
    #[error("The audio device \"{0}\" delivered no sound data. Check that it is not disabled in your sound settings, or pick another device.")]
    NoData(String),
    /// The sound system itself is not available.
    #[error(
        "The sound system is not available ({0}). Check that audio is set up on this computer."
    )]
    HostUnavailable(String),
    /// Any other backend error, with the backend's own words.
    #[error("The sound system reported an error with \"{device}\": {message}")]
    Backend {
        /// Device concerned.
        device: String,
        /// What the backend said.
        message: String,
    },
}

#[cfg(feature = "device")]
impl AudioError {
    /// Maps a cpal error raised while opening or starting `device`.
    pub(crate) fn from_cpal_open(device: &str, err: &cpal::Error) -> Self {
        match err.kind() {
            cpal::ErrorKind::DeviceNotAvailable => AudioError::Unavailable(device.to_string()),
            _ => Self::from_cpal(device, err),
        }
    }

    /// Maps a cpal error for `device` (while it runs) onto the error a mentor can act on.
    pub(crate) fn from_cpal(device: &str, err: &cpal::Error) -> Self {
        use cpal::ErrorKind as K;
        let device = device.to_string();
        match err.kind() {
            K::DeviceBusy => AudioError::Busy(device),
            K::PermissionDenied => AudioError::PermissionDenied(device),
            K::DeviceNotAvailable | K::StreamInvalidated => AudioError::Disconnected(device),
            K::HostUnavailable => AudioError::HostUnavailable(err.to_string()),
            _ => AudioError::Backend {
                device,
                message: err.to_string(),
            },
        }
    }
}
