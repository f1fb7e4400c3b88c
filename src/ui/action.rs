//! [`AppAction`]: everything a panel can ask of the app, addressed by the session's uid. The
//! panels return these while drawing; the app applies them after the frame is drawn, so no
//! panel changes another's state in the middle of drawing.

use super::files::FileAction;
use super::presets::{BarAction, MenuAction};
use super::session_form::FormAction;

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppAction {
    /// The session's title was dragged: the tiles move the session.
    Drag {
        /// The session.
        uid: u64,
    },
    /// A button of a session's form.
    Form {
        /// The session.
        uid: u64,
        /// The button.
        action: FormAction,
    },
    /// Send the server's message to one client of a server.
    SendToClient {
        /// The server's session.
        uid: u64,
        /// The connection number.
        conn: u64,
    },
    /// Disconnect one client of a server.
    DisconnectClient {
        /// The server's session.
        uid: u64,
        /// The connection number.
        conn: u64,
    },
    /// Close a session (and stop it).
    Close {
        /// The session.
        uid: u64,
    },
    /// Save, record, open a transcript.
    File {
        /// The session (`None`: the top bar's Open).
        uid: Option<u64>,
        /// What to do.
        action: FileAction,
    },
    /// A choice in a session's Presets menu.
    Preset {
        /// The session.
        uid: u64,
        /// The choice.
        action: MenuAction,
    },
    /// A name or path bar (a session's preset bar, or the top bar's workspace bar).
    Bar {
        /// The session (`None`: the workspace bar).
        uid: Option<u64>,
        /// What the user did.
        action: BarAction,
    },
}
