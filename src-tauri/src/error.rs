//! The IPC edge: every core error crosses to the UI as `{code, message}` (Danish message).

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
}

impl From<pladsoverblik_core::Error> for IpcError {
    fn from(e: pladsoverblik_core::Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;
