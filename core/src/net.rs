//! Networking below the sync protocol: encrypted, authenticated, framed connections
//! between members of one channel (`secure`), finding members on the local network
//! (`beacon`, `lan`), asking the home router for a port (`portmap`), and meeting
//! through a relay that is no member (`rendezvous`, `sealed`), and joining two streams
//! (`splice`). No domain
//! knowledge beyond "a channel has a secret its members share".

pub mod beacon;
pub mod lan;
pub mod portmap;
pub mod rendezvous;
pub mod sealed;
pub mod splice;
pub mod secure;

pub use secure::{ChannelAccess, Established, FrameReader, FrameWriter, Hello, Limits, NetError, Ports};
