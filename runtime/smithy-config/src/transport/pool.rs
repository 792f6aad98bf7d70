//! Connections kept open for reuse, by origin: an HTTP/1.1 connection serves one request at a
//! time and comes back once its response has been read; an HTTP/2 one is shared by every
//! request to its origin.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::client::conn::{http1, TrySendError};

use super::connect::Origin;
use super::StreamBody;

/// How long an unused connection is kept, as hyper's pooled client keeps it.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

type Request = hyper::Request<StreamBody>;

/// A connection's sending half.
#[derive(Debug)]
pub(super) enum Sender {
    Http1(http1::SendRequest<StreamBody>),
    #[cfg(feature = "http2")]
    Http2(hyper::client::conn::http2::SendRequest<StreamBody>),
}

impl Sender {
    /// Sends `request` to `uri`, in the form the connection's protocol wants: a path (and a
    /// `Host` header, if the request has none) for HTTP/1.1, the whole URI for HTTP/2. A
    /// request the connection could not take is handed back in the error.
    pub(super) async fn send(
        &mut self,
        mut request: Request,
        uri: &hyper::Uri,
    ) -> Result<hyper::Response<Incoming>, TrySendError<Request>> {
        match self {
            Sender::Http1(sender) => {
                *request.uri_mut() = match uri.path_and_query() {
                    Some(path) => hyper::Uri::from(path.clone()),
                    None => hyper::Uri::from_static("/"),
                };
                if !request.headers().contains_key(hyper::header::HOST) {
                    if let Some(host) = uri.authority().and_then(|a| a.as_str().parse().ok()) {
                        request.headers_mut().insert(hyper::header::HOST, host);
                    }
                }
                sender.try_send_request(request).await
            }
            #[cfg(feature = "http2")]
            Sender::Http2(sender) => {
                *request.uri_mut() = uri.clone();
                sender.try_send_request(request).await
            }
        }
    }

    /// The sender of an HTTP/1.1 connection, which goes back to the pool only once its response
    /// has been read (an HTTP/2 one is there already).
    pub(super) fn into_http1(self) -> Option<http1::SendRequest<StreamBody>> {
        match self {
            Sender::Http1(sender) => Some(sender),
            #[cfg(feature = "http2")]
            Sender::Http2(_) => None,
        }
    }

    fn is_closed(&self) -> bool {
        match self {
            Sender::Http1(sender) => sender.is_closed(),
            #[cfg(feature = "http2")]
            Sender::Http2(sender) => sender.is_closed(),
        }
    }
}

#[derive(Debug)]
struct Idle {
    sender: Sender,
    since: Instant,
}

impl Idle {
    /// Whether the connection may still take a request at `now`: idle for less than
    /// [`IDLE_TIMEOUT`] and not closed by the server.
    fn usable(&self, now: Instant) -> bool {
        now.duration_since(self.since) < IDLE_TIMEOUT && !self.sender.is_closed()
    }
}

/// The idle connections, by origin, the most recently used last.
#[derive(Debug, Default)]
pub(super) struct Pool {
    idle: Mutex<HashMap<Origin, Vec<Idle>>>,
}

impl Pool {
    /// An open connection to `origin` ready for a request, if one is idle.
    pub(super) fn checkout(&self, origin: &Origin) -> Option<Sender> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let connections = idle.get_mut(origin)?;
        let now = Instant::now();
        connections.retain(|c| c.usable(now));
        while let Some(connection) = connections.pop() {
            match connection.sender {
                Sender::Http1(sender) if sender.is_ready() => return Some(Sender::Http1(sender)),
                Sender::Http1(_) => {}
                #[cfg(feature = "http2")]
                Sender::Http2(sender) => {
                    let shared = sender.clone();
                    connections.push(Idle { sender: Sender::Http2(sender), since: now });
                    return Some(Sender::Http2(shared));
                }
            }
        }
        None
    }

    /// Keeps `sender` for the next request to `origin` (an HTTP/1.1 connection once its last
    /// response is read; an HTTP/2 one as soon as it is open), and lets go of every connection
    /// unused for too long.
    pub(super) fn checkin(&self, origin: Origin, sender: Sender) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        idle.retain(|_, connections| {
            connections.retain(|c| c.usable(now));
            !connections.is_empty()
        });
        idle.entry(origin).or_default().push(Idle { sender, since: now });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Pool {
        /// How many connections are idle.
        pub(in crate::transport) fn idle(&self) -> usize {
            self.idle.lock().unwrap_or_else(PoisonError::into_inner).values().map(Vec::len).sum()
        }
    }
}
