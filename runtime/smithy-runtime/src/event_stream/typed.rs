//! Typed event streams, as generated operations use them: an output stream's
//! [`EventReceiver`] (`recv().await` yields the next event, a modeled or unmodeled error the
//! service sent, or why the stream broke), and an input stream's [`EventStreamSender`] (events
//! from an iterator, a [`channel`](EventStreamSender::channel) or any [`EventSource`]), which
//! the client turns into a request body with [`EventBody`].
//!
//! The generated code knows the events: it marshals each into a [`Message`] and unmarshals
//! each message with [`message_kind`], which checks the headers every message must have.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use super::{Decoder, ErrorKind, EventStreamError, HeaderValue, Message};
use crate::byte_stream::{ByteStream, ByteStreamError, ChunkSource};
use crate::error::ErrorMetadata;

/// What a message of an output stream is, from its `:message-type` and the header naming its
/// member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind<'a> {
    /// An event: the union member `:event-type` names.
    Event(&'a str),
    /// A modeled error: the union member `:exception-type` names.
    Exception(&'a str),
    /// An unmodeled error: `:error-code` and `:error-message`.
    Error {
        /// `:error-code`.
        code: &'a str,
        /// `:error-message`, if any.
        message: Option<&'a str>,
    },
}

/// The kind of `message`; a missing or non-string `:message-type`, or a message type without
/// the header naming its member, is an error, as the specification requires.
pub fn message_kind(message: &Message) -> Result<MessageKind<'_>, EventStreamError> {
    let header = |name: &'static str| match message.header(name) {
        None => Err(invalid(ErrorKind::MissingHeader { name })),
        Some(HeaderValue::String(value)) => Ok(value.as_str()),
        Some(_) => Err(invalid(ErrorKind::InvalidHeader { name, expected: "a string" })),
    };
    match header(":message-type")? {
        "event" => Ok(MessageKind::Event(header(":event-type")?)),
        "exception" => Ok(MessageKind::Exception(header(":exception-type")?)),
        "error" => Ok(MessageKind::Error { code: header(":error-code")?, message: message.error_message() }),
        other => Err(invalid(ErrorKind::UnknownMessageType { message_type: other.to_owned() })),
    }
}

/// Whether `message` is the RPC protocols' `initial-response` event.
fn is_initial_response(message: &Message) -> bool {
    message_kind(message).is_ok_and(|k| k == MessageKind::Event("initial-response"))
}

/// The metadata of an error message the model does not describe: its code (`:error-code`, or
/// the `:exception-type` of an exception the crate does not know) and its message.
pub fn unhandled_metadata(message: &Message) -> ErrorMetadata {
    let mut meta = ErrorMetadata::builder();
    if let Some(code) = message.error_code().or(message.exception_type()) {
        meta = meta.code(code);
    }
    if let Some(text) = message.error_message() {
        meta = meta.message(text);
    }
    meta.build()
}

/// An event message of the member `event_type`, with the payload's `:content-type` when it
/// has a payload.
pub fn event_message(event_type: &str, content_type: Option<&str>, payload: Vec<u8>) -> Message {
    typed_message("event", ":event-type", event_type, content_type, payload)
}

/// An exception message (a modeled error) of the member `exception_type`.
pub fn exception_message(exception_type: &str, content_type: Option<&str>, payload: Vec<u8>) -> Message {
    typed_message("exception", ":exception-type", exception_type, content_type, payload)
}

fn typed_message(kind: &str, header: &str, member: &str, content_type: Option<&str>, payload: Vec<u8>) -> Message {
    let mut message = Message::new(payload)
        .with_header(":message-type", HeaderValue::String(kind.to_owned()))
        .with_header(header, HeaderValue::String(member.to_owned()));
    if let Some(content_type) = content_type {
        message = message.with_header(":content-type", HeaderValue::String(content_type.to_owned()));
    }
    message
}

/// A header an event member is bound to (`@eventHeader`), as the generated code reads it:
/// absent is `None`, a value of another type an error.
pub fn header_value<'a, T>(
    message: &'a Message,
    name: &'static str,
    read: impl FnOnce(&'a HeaderValue) -> Option<T>,
    expected: &'static str,
) -> Result<Option<T>, EventStreamError> {
    match message.header(name) {
        None => Ok(None),
        Some(value) => read(value).map(Some).ok_or_else(|| invalid(ErrorKind::InvalidHeader { name, expected })),
    }
}

/// A payload that does not read as its shape (or an event that cannot be written).
pub fn payload_error(what: impl fmt::Display) -> EventStreamError {
    invalid(ErrorKind::Payload { message: what.to_string() })
}

fn invalid(kind: ErrorKind) -> EventStreamError {
    EventStreamError { kind, offset: None }
}

/// What a message of an output stream holds: an event or an error the service sent.
#[derive(Debug, PartialEq)]
pub enum Unmarshalled<T, E> {
    /// An event of the stream.
    Event(T),
    /// An error, modeled or not, that ends the stream.
    Error(E),
}

/// Reads one message of a stream of events `T` with errors `E` (generated per stream).
pub type Unmarshal<T, E> = fn(&Message) -> Result<Unmarshalled<T, E>, EventStreamError>;

/// Writes one event (or modeled error) as a message (generated per stream).
pub type Marshal<T> = fn(&T) -> Result<Message, EventStreamError>;

/// Why [`EventReceiver::recv`] returned no event.
#[derive(Debug)]
pub enum RecvError<E> {
    /// The service sent an error in the stream (a modeled one, or `Unhandled`); the stream ends.
    ServiceError(E),
    /// A message is malformed (a bad CRC, a length beyond the limits, a missing header, a
    /// payload that does not read as its event), or the stream was cut short.
    Message(EventStreamError),
    /// Reading the response body failed.
    Body(ByteStreamError),
}

impl<E> RecvError<E> {
    /// The service's error, if this is one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            RecvError::ServiceError(e) => Some(e),
            _ => None,
        }
    }

    /// The service's error, if this is one.
    pub fn into_service_error(self) -> Option<E> {
        match self {
            RecvError::ServiceError(e) => Some(e),
            _ => None,
        }
    }
}

impl<E: fmt::Display> fmt::Display for RecvError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::ServiceError(e) => write!(f, "the service sent an error in the event stream: {e}"),
            RecvError::Message(e) => write!(f, "{e}"),
            RecvError::Body(e) => write!(f, "reading the event stream failed: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for RecvError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecvError::ServiceError(e) => Some(e),
            RecvError::Message(e) => Some(e),
            RecvError::Body(e) => Some(e),
        }
    }
}

/// An output event stream: the events of a response body, read as they arrive.
///
/// ```
/// use smithy_runtime::event_stream::{encode, event_message, message_kind, EventReceiver, MessageKind, Unmarshalled};
/// use smithy_runtime::byte_stream::ByteStream;
///
/// // What generated code does for a stream of text events.
/// fn unmarshal(message: &smithy_runtime::event_stream::Message) -> Result<Unmarshalled<String, ()>, smithy_runtime::event_stream::EventStreamError> {
///     match message_kind(message)? {
///         MessageKind::Event(_) => Ok(Unmarshalled::Event(String::from_utf8_lossy(&message.payload).into_owned())),
///         _ => Ok(Unmarshalled::Error(())),
///     }
/// }
/// let body = encode(&event_message("text", Some("text/plain"), b"hello".to_vec())).unwrap();
/// let mut events = EventReceiver::new(ByteStream::from(body), unmarshal);
/// # let waker = std::task::Waker::noop();
/// # let mut cx = std::task::Context::from_waker(&waker);
/// # let std::task::Poll::Ready(first) = events.poll_recv(&mut cx) else { panic!() };
/// assert_eq!(first.unwrap().as_deref(), Some("hello"));
/// ```
pub struct EventReceiver<T, E> {
    body: ByteStream,
    decoder: Decoder,
    unmarshal: Option<Unmarshal<T, E>>,
    done: bool,
    /// A message read ahead (by [`initial_response`](Self::initial_response)) that is an event.
    pending: Option<Message>,
}

impl<T, E> EventReceiver<T, E> {
    /// The events of `body`, each read with `unmarshal`.
    pub fn new(body: ByteStream, unmarshal: Unmarshal<T, E>) -> Self {
        EventReceiver { body, decoder: Decoder::new(), unmarshal: Some(unmarshal), done: false, pending: None }
    }

    /// The RPC protocols' `initial-response` (the output's other members), if the stream starts
    /// with one: the first message is read, and kept for [`recv`](Self::recv) when it is not.
    pub async fn initial_response(&mut self) -> Result<Option<Message>, RecvError<E>> {
        std::future::poll_fn(|cx| self.poll_message(cx)).await.map(|message| match message {
            Some(m) if is_initial_response(&m) => Some(m),
            other => {
                self.pending = other;
                None
            }
        })
    }

    /// The next message of the body.
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Message>, RecvError<E>>> {
        if let Some(message) = self.pending.take() {
            return Poll::Ready(Ok(Some(message)));
        }
        loop {
            match self.decoder.next_message() {
                Err(e) => return Poll::Ready(Err(RecvError::Message(e))),
                Ok(Some(message)) => return Poll::Ready(Ok(Some(message))),
                Ok(None) => {}
            }
            match Pin::new(&mut self.body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => self.decoder.push(&chunk),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(RecvError::Body(e))),
                Poll::Ready(None) => {
                    return Poll::Ready(self.decoder.finish().map(|()| None).map_err(RecvError::Message))
                }
            }
        }
    }

    /// The next event; `Ok(None)` at the end of the stream. An error ends the stream: every
    /// later call returns `Ok(None)`.
    pub async fn recv(&mut self) -> Result<Option<T>, RecvError<E>> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// [`recv`](Self::recv), polled.
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, RecvError<E>>> {
        let result = self.poll_next_event(cx);
        if matches!(result, Poll::Ready(Err(_) | Ok(None))) {
            self.done = true;
        }
        result
    }

    fn poll_next_event(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, RecvError<E>>> {
        let Some(unmarshal) = self.unmarshal.filter(|_| !self.done) else { return Poll::Ready(Ok(None)) };
        loop {
            let message = match self.poll_message(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(Some(message))) => message,
                Poll::Ready(other) => return Poll::Ready(other.map(|_| None)),
            };
            // An `initial-response` [`initial_response`](Self::initial_response) did not take.
            if is_initial_response(&message) {
                continue;
            }
            return Poll::Ready(match unmarshal(&message) {
                Ok(Unmarshalled::Event(event)) => Ok(Some(event)),
                Ok(Unmarshalled::Error(error)) => Err(RecvError::ServiceError(error)),
                Err(e) => Err(RecvError::Message(e)),
            });
        }
    }
}

/// No events: what an output holds before its stream is attached.
impl<T, E> Default for EventReceiver<T, E> {
    fn default() -> Self {
        EventReceiver {
            body: ByteStream::new_empty(),
            decoder: Decoder::new(),
            unmarshal: None,
            done: false,
            pending: None,
        }
    }
}

impl<T, E> fmt::Debug for EventReceiver<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventReceiver").field("body", &self.body).field("done", &self.done).finish()
    }
}

/// A source of an input stream's events, polled like a `futures` `Stream`: `Some(Ok(event))`,
/// `Some(Err(error))` for a modeled error to send, `None` at the end.
pub trait EventSource<T, E>: Send + 'static {
    /// The next event, or `None` at the end. Not polled again after `None`.
    fn poll_event(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T, E>>>;
}

/// An input event stream: what the client sends, event by event, as the request body.
pub struct EventStreamSender<T, E> {
    source: Pin<Box<dyn EventSource<T, E>>>,
}

impl<T: Send + 'static, E: Send + 'static> EventStreamSender<T, E> {
    /// The events of `source`.
    pub fn from_source(source: impl EventSource<T, E>) -> Self {
        EventStreamSender { source: Box::pin(source) }
    }

    /// The events of an iterator (read as the body is sent).
    pub fn from_events<I>(events: I) -> Self
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: Send + 'static,
    {
        // Boxed, so that any iterator is `Unpin`.
        struct Events<I>(Box<I>);
        impl<T, E, I: Iterator<Item = T> + Send + 'static> EventSource<T, E> for Events<I> {
            fn poll_event(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<T, E>>> {
                Poll::Ready(self.get_mut().0.next().map(Ok))
            }
        }
        Self::from_source(Events(Box::new(events.into_iter())))
    }

    /// A sender fed through the returned [`EventSink`], which holds at most `capacity` events
    /// (at least one) not yet sent: [`EventSink::send`] waits while it is full. The stream ends
    /// when the sink is closed or dropped.
    pub fn channel(capacity: usize) -> (EventSink<T, E>, Self) {
        let shared = Arc::new(Mutex::new(Channel {
            queue: VecDeque::new(),
            capacity: capacity.max(1),
            closed: false,
            receiver: None,
            senders: Vec::new(),
        }));
        (EventSink { shared: shared.clone() }, Self::from_source(ChannelSource { shared }))
    }
}

/// No events.
impl<T: Send + 'static, E: Send + 'static> Default for EventStreamSender<T, E> {
    fn default() -> Self {
        Self::from_events(std::iter::empty())
    }
}

impl<T, E> fmt::Debug for EventStreamSender<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventStreamSender")
    }
}

struct Channel<T, E> {
    queue: VecDeque<Result<T, E>>,
    capacity: usize,
    closed: bool,
    receiver: Option<Waker>,
    senders: Vec<Waker>,
}

fn lock<T>(shared: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The sending end of [`EventStreamSender::channel`].
pub struct EventSink<T, E> {
    shared: Arc<Mutex<Channel<T, E>>>,
}

/// The stream of an [`EventSink`] has ended (the request finished or failed): the event was
/// not sent.
#[derive(Debug, PartialEq, Eq)]
pub struct StreamClosed;

impl fmt::Display for StreamClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the event stream is closed")
    }
}

impl std::error::Error for StreamClosed {}

impl<T, E> EventSink<T, E> {
    /// Queues `event`, waiting while the channel is full.
    pub async fn send(&self, event: T) -> Result<(), StreamClosed> {
        self.send_item(Ok(event)).await
    }

    /// Queues a modeled error, which the service receives as an exception message.
    pub async fn send_error(&self, error: E) -> Result<(), StreamClosed> {
        self.send_item(Err(error)).await
    }

    async fn send_item(&self, item: Result<T, E>) -> Result<(), StreamClosed> {
        let mut item = Some(item);
        std::future::poll_fn(|cx| {
            let mut channel = lock(&self.shared);
            if channel.closed {
                return Poll::Ready(Err(StreamClosed));
            }
            if channel.queue.len() >= channel.capacity {
                channel.senders.push(cx.waker().clone());
                return Poll::Pending;
            }
            if let Some(item) = item.take() {
                channel.queue.push_back(item);
            }
            if let Some(receiver) = channel.receiver.take() {
                receiver.wake();
            }
            Poll::Ready(Ok(()))
        })
        .await
    }

    /// Ends the stream after the events queued (as dropping the sink does).
    pub fn close(&self) {
        let mut channel = lock(&self.shared);
        channel.closed = true;
        if let Some(receiver) = channel.receiver.take() {
            receiver.wake();
        }
    }
}

impl<T, E> Drop for EventSink<T, E> {
    fn drop(&mut self) {
        self.close();
    }
}

impl<T, E> fmt::Debug for EventSink<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventSink")
    }
}

struct ChannelSource<T, E> {
    shared: Arc<Mutex<Channel<T, E>>>,
}

impl<T: Send + 'static, E: Send + 'static> EventSource<T, E> for ChannelSource<T, E> {
    fn poll_event(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T, E>>> {
        let mut channel = lock(&self.shared);
        match channel.queue.pop_front() {
            Some(item) => {
                for sender in channel.senders.drain(..) {
                    sender.wake();
                }
                Poll::Ready(Some(item))
            }
            None if channel.closed => Poll::Ready(None),
            None => {
                channel.receiver = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

// The request ended: events still queued, and those sent after, go nowhere.
impl<T, E> Drop for ChannelSource<T, E> {
    fn drop(&mut self) {
        let mut channel = lock(&self.shared);
        channel.closed = true;
        channel.queue.clear();
        for sender in channel.senders.drain(..) {
            sender.wake();
        }
    }
}

/// An input stream with its marshallers, ready to become a request body: the messages, each
/// signed in turn when the request is.
pub struct EventBody {
    messages: Pin<Box<dyn MessageSource>>,
    /// The RPC protocols' `initial-request`, sent before the events.
    initial: Option<Message>,
}

trait MessageSource: Send {
    fn poll_message(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Message, EventStreamError>>>;
}

struct Marshalled<T, E> {
    sender: EventStreamSender<T, E>,
    event: Marshal<T>,
    error: Marshal<E>,
}

impl<T: 'static, E: 'static> MessageSource for Marshalled<T, E> {
    fn poll_message(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Message, EventStreamError>>> {
        let this = self.get_mut();
        this.sender.source.as_mut().poll_event(cx).map(|item| {
            item.map(|item| match item {
                Ok(event) => (this.event)(&event),
                Err(error) => (this.error)(&error),
            })
        })
    }
}

impl EventBody {
    /// The events of `sender`, written with `event` and its modeled errors with `error`.
    pub fn new<T: Send + 'static, E: Send + 'static>(
        sender: EventStreamSender<T, E>,
        event: Marshal<T>,
        error: Marshal<E>,
    ) -> Self {
        EventBody { messages: Box::pin(Marshalled { sender, event, error }), initial: None }
    }

    /// The body with `message` (the RPC protocols' `initial-request`, the input's other
    /// members) sent before the events.
    pub fn with_initial(mut self, message: Message) -> Self {
        self.initial = Some(message);
        self
    }

    /// The messages, each a frame of its own, as a one-shot body of unknown length.
    pub fn into_byte_stream(self) -> ByteStream {
        ByteStream::from_source(
            Frames { messages: self.messages, initial: self.initial, sign: None, ended: false },
            None,
        )
    }

    /// The messages, each wrapped in the envelope `signer` signs at the time `now` gives, and
    /// the signed empty message that ends a signed stream.
    #[cfg(feature = "client")]
    pub fn into_signed_byte_stream(
        self,
        signer: super::EventSigner,
        now: impl Fn() -> std::time::SystemTime + Send + 'static,
    ) -> ByteStream {
        let sign = Signing { signer, now: Box::new(now) };
        let frames = Frames { messages: self.messages, initial: self.initial, sign: Some(sign), ended: false };
        ByteStream::from_source(frames, None)
    }
}

impl fmt::Debug for EventBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventBody")
    }
}

#[cfg(feature = "client")]
struct Signing {
    signer: super::EventSigner,
    now: Box<dyn Fn() -> std::time::SystemTime + Send>,
}

#[cfg(not(feature = "client"))]
enum Signing {}

struct Frames {
    messages: Pin<Box<dyn MessageSource>>,
    initial: Option<Message>,
    sign: Option<Signing>,
    ended: bool,
}

impl Frames {
    fn frame(&mut self, message: Option<Message>) -> Result<Vec<u8>, EventStreamError> {
        #[cfg(feature = "client")]
        if let Some(Signing { signer, now }) = &mut self.sign {
            let signed = match message {
                Some(message) => signer.sign(&message, now())?,
                None => signer.sign_empty(now())?,
            };
            return super::encode(&signed);
        }
        match message {
            Some(message) => super::encode(&message),
            None => Ok(Vec::new()),
        }
    }
}

impl ChunkSource for Frames {
    fn poll_chunk(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        if let Some(initial) = self.initial.take() {
            return Poll::Ready(Some(
                self.frame(Some(initial)).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            ));
        }
        let message = match self.messages.as_mut().poll_message(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Some(Ok(message))) => Some(message),
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::InvalidData, e)))),
            Poll::Ready(None) => {
                self.ended = true;
                // An unsigned stream just ends.
                if self.sign.is_none() {
                    return Poll::Ready(None);
                }
                None
            }
        };
        Poll::Ready(Some(self.frame(message).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_stream::{decode, encode};

    #[derive(Debug, PartialEq)]
    enum Event {
        Text(String),
        Unknown,
    }

    #[derive(Debug, PartialEq)]
    enum Failure {
        Throttled(String),
        Unhandled(Option<String>),
    }

    fn unmarshal(message: &Message) -> Result<Unmarshalled<Event, Failure>, EventStreamError> {
        let text = || String::from_utf8(message.payload.clone()).map_err(payload_error);
        Ok(match message_kind(message)? {
            MessageKind::Event("text") => Unmarshalled::Event(Event::Text(text()?)),
            MessageKind::Event(_) => Unmarshalled::Event(Event::Unknown),
            MessageKind::Exception("throttled") => Unmarshalled::Error(Failure::Throttled(text()?)),
            _ => Unmarshalled::Error(Failure::Unhandled(unhandled_metadata(message).code().map(str::to_owned))),
        })
    }

    fn marshal(event: &Event) -> Result<Message, EventStreamError> {
        match event {
            Event::Text(text) => Ok(event_message("text", Some("text/plain"), text.clone().into_bytes())),
            Event::Unknown => Err(payload_error("an unknown event cannot be sent")),
        }
    }

    fn marshal_error(error: &Failure) -> Result<Message, EventStreamError> {
        match error {
            Failure::Throttled(text) => {
                Ok(exception_message("throttled", Some("text/plain"), text.clone().into_bytes()))
            }
            Failure::Unhandled(_) => Err(payload_error("an unmodeled error cannot be sent")),
        }
    }

    fn frames(messages: &[Message]) -> Vec<u8> {
        messages.iter().flat_map(|m| encode(m).unwrap()).collect()
    }

    /// A body of `bytes` in chunks of `size`, so messages straddle chunks.
    fn chunked(bytes: Vec<u8>, size: usize) -> ByteStream {
        struct Chunks(Vec<Vec<u8>>);
        impl ChunkSource for Chunks {
            fn poll_chunk(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<io::Result<Vec<u8>>>> {
                Poll::Ready((!self.0.is_empty()).then(|| Ok(self.0.remove(0))))
            }
        }
        ByteStream::from_source(Chunks(bytes.chunks(size).map(<[u8]>::to_vec).collect()), None)
    }

    #[tokio::test]
    async fn events_arrive_in_order_across_chunks_and_an_exception_ends_the_stream() {
        let body = frames(&[
            event_message("text", Some("text/plain"), b"hello".to_vec()),
            event_message("initial-response", Some("application/json"), b"{}".to_vec()),
            event_message("brand-new", None, Vec::new()),
            exception_message("throttled", Some("text/plain"), b"slow down".to_vec()),
            event_message("text", Some("text/plain"), b"never read".to_vec()),
        ]);
        let mut receiver = EventReceiver::new(chunked(body, 7), unmarshal);
        assert_eq!(receiver.recv().await.unwrap(), Some(Event::Text("hello".into())));
        assert_eq!(receiver.recv().await.unwrap(), Some(Event::Unknown));
        let error = receiver.recv().await.unwrap_err();
        assert_eq!(error.into_service_error(), Some(Failure::Throttled("slow down".into())));
        assert_eq!(receiver.recv().await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_unmodeled_error_message_carries_its_code() {
        let error = Message::new(Vec::new())
            .with_header(":message-type", HeaderValue::String("error".into()))
            .with_header(":error-code", HeaderValue::String("internal-error".into()))
            .with_header(":error-message", HeaderValue::String("An unknown error occurred.".into()));
        let mut receiver = EventReceiver::new(ByteStream::from(frames(&[error])), unmarshal);
        let error = receiver.recv().await.unwrap_err();
        assert_eq!(error.into_service_error(), Some(Failure::Unhandled(Some("internal-error".into()))));
    }

    #[tokio::test]
    async fn messages_without_their_headers_are_errors() {
        let cases = [
            (Message::new(b"x".to_vec()), ErrorKind::MissingHeader { name: ":message-type" }),
            (
                Message::new(b"x".to_vec()).with_header(":message-type", HeaderValue::ByteArray(b"event".to_vec())),
                ErrorKind::InvalidHeader { name: ":message-type", expected: "a string" },
            ),
            (
                Message::new(b"x".to_vec()).with_header(":message-type", HeaderValue::String("event".into())),
                ErrorKind::MissingHeader { name: ":event-type" },
            ),
            (
                Message::new(b"x".to_vec()).with_header(":message-type", HeaderValue::String("gossip".into())),
                ErrorKind::UnknownMessageType { message_type: "gossip".into() },
            ),
        ];
        for (message, kind) in cases {
            let mut receiver = EventReceiver::new(ByteStream::from(frames(&[message])), unmarshal);
            match receiver.recv().await {
                Err(RecvError::Message(e)) => assert_eq!(e.kind(), &kind),
                other => panic!("expected {kind:?}, got {other:?}"),
            }
            assert_eq!(receiver.recv().await.unwrap(), None, "the stream ends after an error");
        }
    }

    #[tokio::test]
    async fn a_truncated_or_damaged_stream_is_an_error() {
        let whole = frames(&[event_message("text", Some("text/plain"), b"hello".to_vec())]);
        let mut cut = EventReceiver::new(ByteStream::from(whole[..whole.len() - 3].to_vec()), unmarshal);
        assert!(
            matches!(cut.recv().await, Err(RecvError::Message(e)) if matches!(e.kind(), ErrorKind::Truncated { .. }))
        );
        let mut damaged = whole.clone();
        damaged[20] ^= 1;
        let mut bad = EventReceiver::new(ByteStream::from(damaged), unmarshal);
        assert!(
            matches!(bad.recv().await, Err(RecvError::Message(e)) if matches!(e.kind(), ErrorKind::MessageChecksum { .. }))
        );
        assert_eq!(EventReceiver::<Event, Failure>::default().recv().await.unwrap(), None);
    }

    async fn body_frames(mut body: ByteStream) -> Vec<Message> {
        let mut decoder = Decoder::new();
        let mut messages = Vec::new();
        while let Some(chunk) = body.next().await {
            decoder.push(&chunk.unwrap());
            while let Some(message) = decoder.next_message().unwrap() {
                messages.push(message);
            }
        }
        decoder.finish().unwrap();
        messages
    }

    #[tokio::test]
    async fn a_channel_sends_events_and_modeled_errors_as_frames() {
        let (sink, sender) = EventStreamSender::<Event, Failure>::channel(1);
        let body = EventBody::new(sender, marshal, marshal_error).into_byte_stream();
        let feeding = async move {
            sink.send(Event::Text("one".into())).await.unwrap();
            sink.send(Event::Text("two".into())).await.unwrap();
            sink.send_error(Failure::Throttled("stop".into())).await.unwrap();
        };
        let (messages, ()) = tokio::join!(body_frames(body), feeding);
        let kinds: Vec<_> = messages.iter().map(|m| (message_kind(m).unwrap(), m.payload.clone())).collect();
        assert_eq!(
            kinds,
            [
                (MessageKind::Event("text"), b"one".to_vec()),
                (MessageKind::Event("text"), b"two".to_vec()),
                (MessageKind::Exception("throttled"), b"stop".to_vec()),
            ]
        );
    }

    #[tokio::test]
    async fn a_sink_whose_stream_is_gone_is_told_so() {
        let (sink, sender) = EventStreamSender::<Event, Failure>::channel(4);
        drop(sender);
        assert_eq!(sink.send(Event::Text("late".into())).await, Err(StreamClosed));
    }

    #[tokio::test]
    async fn an_event_that_cannot_be_written_fails_the_body() {
        let sender = EventStreamSender::from_events([Event::Text("fine".into()), Event::Unknown]);
        let mut body = EventBody::new(sender, marshal, marshal_error).into_byte_stream();
        assert!(body.next().await.unwrap().is_ok());
        assert!(body.next().await.unwrap().is_err());
    }

    #[cfg(feature = "client")]
    #[tokio::test]
    async fn a_signed_stream_wraps_each_event_and_ends_with_an_empty_envelope() {
        use crate::sigv4::{SigningParams, SigningSettings};
        use std::time::{Duration, UNIX_EPOCH};
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let params = SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "secret",
            session_token: None,
            region: "us-east-1",
            service: "transcribe",
            time,
            settings: SigningSettings::Standard,
        };
        let sender = EventStreamSender::<Event, Failure>::from_events([Event::Text("audio".into())]);
        let signer = crate::event_stream::EventSigner::new(&params, "ab".repeat(32));
        let body = EventBody::new(sender, marshal, marshal_error).into_signed_byte_stream(signer, move || time);
        let envelopes = body_frames(body).await;
        assert_eq!(envelopes.len(), 2);
        assert!(envelopes.iter().all(|e| e.header(":chunk-signature").is_some() && e.header(":date").is_some()));
        let inner = decode(&envelopes[0].payload).unwrap();
        assert_eq!(message_kind(&inner).unwrap(), MessageKind::Event("text"));
        assert_eq!(inner.payload, b"audio");
        assert!(envelopes[1].payload.is_empty());
    }
}
