use thiserror::Error;

/// Why a camera could not deliver frames. Messages are written for the mentor.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum CameraError {
    /// The system reports no camera at all.
    #[error("No camera was found. Plug in a webcam, or check that the built-in camera is switched on and not disabled.")]
    NoCamera,
    /// The camera the user picked is not there.
    #[error("The camera \"{wanted}\" was not found. It may be unplugged. Available: {available}.")]
    NotFound {
        /// The name that was asked for.
        wanted: String,
        /// What is available, comma separated.
        available: String,
    },
    /// Another program holds the camera.
    #[error("The camera \"{0}\" is in use by another app. Close Zoom, Teams, Meet or any other app using the camera, then try again.")]
    Busy(String),
    /// The operating system refused access.
    #[error("Access to the camera \"{0}\" was refused. Allow camera access for this app in your system's privacy settings.")]
    PermissionDenied(String),
    /// The camera stopped delivering frames during the check.
    #[error("The camera \"{0}\" stopped working during the check (was it unplugged?). Reconnect it and try again.")]
    Disconnected(String),
    /// An image file given as a stand-in camera could not be read.
    #[error("The image \"{path}\" could not be read: {message}")]
    Image {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Anything else the camera system reported.
    #[error("The camera system reported an error with \"{device}\": {message}")]
    Backend {
        /// The camera concerned.
        device: String,
        /// What the backend said.
        message: String,
    },
}

impl CameraError {
    /// Classifies a backend's error text for `device`. V4L2 and the OS report "busy" and
    /// "permission denied" only as text (errno strings), so we look for those words.
    #[cfg_attr(not(feature = "device"), allow(dead_code))]
    pub(crate) fn classify(device: &str, message: String) -> Self {
        let lower = message.to_lowercase();
        let device = device.to_string();
        if lower.contains("busy") || lower.contains("ebusy") {
            CameraError::Busy(device)
        } else if lower.contains("permission denied") || lower.contains("eacces") {
            CameraError::PermissionDenied(device)
        } else if lower.contains("no such device") || lower.contains("enodev") {
            CameraError::Disconnected(device)
        } else {
            CameraError::Backend { device, message }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_errno_text() {
        assert_eq!(
            CameraError::classify("cam", "Device or resource busy (os error 16)".into()),
            CameraError::Busy("cam".into())
        );
        assert_eq!(
            CameraError::classify("cam", "Permission denied (os error 13)".into()),
            CameraError::PermissionDenied("cam".into())
        );
        assert_eq!(
            CameraError::classify("cam", "No such device (os error 19)".into()),
            CameraError::Disconnected("cam".into())
        );
        assert!(matches!(
            CameraError::classify("cam", "strange".into()),
            CameraError::Backend { .. }
        ));
    }
}
