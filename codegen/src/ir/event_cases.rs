//! `smithy.test#eventStreamTests` cases, typed against the operation they test: the initial
//! request's input, the initial response, and each event's union value, modeled error or
//! expected message, checked when the IR is built so the test renderer cannot fail.

use std::collections::BTreeMap;

use serde_json::Value;

use super::cases::{ParamValue, Params, StructureValue};
use super::{Crate, OperationError, StructId, UnionId};
use crate::error::{Error, Result};
use crate::model::{EventDirection, EventStreamTest, TestExpectation};

/// A client event-stream case of an operation, and the name of its test.
#[derive(Clone, Debug)]
pub struct EventStreamCase {
    pub name: String,
    pub id: String,
    pub documentation: Option<String>,
    /// The input the case's `initialRequestParams` describe (empty without them).
    pub input: StructureValue,
    pub initial_request: Option<InitialRequest>,
    /// The output members `initialResponseParams` give.
    pub initial_response_params: Option<StructureValue>,
    /// The initial response the case gives, if it does.
    pub initial_response: Option<InitialResponse>,
    pub events: Vec<CaseEvent>,
    pub expectation: CaseExpectation,
}

/// What the case expects of the initial HTTP request.
#[derive(Clone, Debug, Default)]
pub struct InitialRequest {
    pub method: Option<String>,
    pub uri: Option<String>,
    pub headers: BTreeMap<String, String>,
}

/// An initial HTTP response.
#[derive(Clone, Debug)]
pub struct InitialResponse {
    pub code: u16,
    pub headers: BTreeMap<String, String>,
    /// A body replacing the events' (an error response's).
    pub body: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CaseEvent {
    /// Sent by the client (`request`) or by the service (`response`).
    pub sent: bool,
    pub value: Option<EventValue>,
    pub headers: Vec<(String, HeaderExpectation)>,
    pub forbid_headers: Vec<String>,
    pub require_headers: Vec<String>,
    pub body: Option<String>,
    pub body_media_type: Option<String>,
    /// The whole message, when the case gives its bytes.
    pub bytes: Option<Vec<u8>>,
}

/// What an event's params describe.
#[derive(Clone, Debug)]
pub enum EventValue {
    /// An event: a value of the stream's union.
    Event(ParamValue),
    /// A modeled error of the stream: its index in the stream's errors, and its members.
    Error { error: usize, value: StructureValue },
}

/// A typed header value, as the case writes it (`{ "integer": 3 }`).
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderExpectation {
    Bool(bool),
    Byte(i8),
    Short(i16),
    Integer(i32),
    Long(i64),
    Blob(Vec<u8>),
    String(String),
    /// Milliseconds since the epoch.
    Timestamp(i64),
}

#[derive(Clone, Debug)]
pub enum CaseExpectation {
    Success,
    /// A failure: any, of a stream error (index into the stream's errors), or of an operation
    /// error (its variant).
    Failure(Option<FailureOf>),
}

#[derive(Clone, Debug)]
pub enum FailureOf {
    StreamError(usize),
    OperationError(OperationError),
}

/// Types the operation's cases; `input`/`output` are its structures, `errors` its error
/// variants.
pub fn build(
    krate: &Crate,
    cases: &[(String, EventStreamTest)],
    (input, output): (StructId, StructId),
    errors: &[OperationError],
) -> Result<Vec<EventStreamCase>> {
    let stream_of = |s: StructId| krate.structure(s).event_stream().map(|(_, u)| u);
    let mut typed = Vec::with_capacity(cases.len());
    for (name, case) in cases {
        let bad = |what: String| Error::other(format!("event stream test case `{}`: {what}", case.id));
        let params = Params { structures: &krate.structures, unions: &krate.unions, case: &case.id };
        let null = Value::Null;
        let input_value = params.structure(input, case.initial_request_params.as_ref().unwrap_or(&null))?;
        let initial_request = case.initial_request.as_ref().map(|r| InitialRequest {
            method: r.get("method").and_then(Value::as_str).map(str::to_owned),
            uri: r.get("uri").and_then(Value::as_str).map(str::to_owned),
            headers: string_map(r.get("headers")),
        });
        let initial_response_params =
            case.initial_response_params.as_ref().map(|p| params.structure(output, p)).transpose()?;
        let initial_response = case.initial_response.as_ref().map(|r| InitialResponse {
            code: r.get("code").and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok()).unwrap_or(200),
            headers: string_map(r.get("headers")),
            body: r.get("body").and_then(Value::as_str).map(str::to_owned),
        });
        let mut events = Vec::with_capacity(case.events.len());
        for event in &case.events {
            let sent = event.direction == EventDirection::Request;
            let stream = if sent { stream_of(input) } else { stream_of(output) }
                .ok_or_else(|| bad(format!("a {} event, but that side has no event stream", direction(sent))))?;
            let value = event.params.as_ref().map(|p| event_value(krate, &params, stream, p)).transpose()?;
            let headers = event
                .headers
                .iter()
                .map(|(name, value)| {
                    header(value)
                        .map(|h| (name.clone(), h))
                        .ok_or_else(|| bad(format!("header `{name}`: {value} is not a typed header value")))
                })
                .collect::<Result<_>>()?;
            let bytes = event
                .bytes
                .as_ref()
                .map(|b| smithy_runtime::primitives::base64::decode(b).map_err(|_| bad("`bytes` is not base64".into())))
                .transpose()?;
            events.push(CaseEvent {
                sent,
                value,
                headers,
                forbid_headers: event.forbid_headers.clone(),
                require_headers: event.require_headers.clone(),
                body: event.body.clone(),
                body_media_type: event.body_media_type.clone(),
                bytes,
            });
        }
        let expectation = match &case.expectation {
            None | Some(TestExpectation::Success(_)) => CaseExpectation::Success,
            Some(TestExpectation::Failure(f)) => CaseExpectation::Failure(
                f.error_id
                    .as_deref()
                    .map(|error_id| {
                        failure_of(krate, stream_of(output), errors, error_id)
                            .ok_or_else(|| bad(format!("`{error_id}` is none of the operation's errors")))
                    })
                    .transpose()?,
            ),
        };
        typed.push(EventStreamCase {
            name: name.clone(),
            id: case.id.clone(),
            documentation: case.documentation.clone(),
            input: input_value,
            initial_request,
            initial_response_params,
            initial_response,
            events,
            expectation,
        });
    }
    Ok(typed)
}

fn direction(sent: bool) -> &'static str {
    if sent {
        "request"
    } else {
        "response"
    }
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned()))).collect())
        .unwrap_or_default()
}

/// An event's params: one member of the stream's union, an event or a modeled error.
fn event_value(krate: &Crate, params: &Params<'_>, stream: UnionId, value: &Value) -> Result<EventValue> {
    let union = krate.union(stream);
    let member = value.as_object().and_then(|m| m.iter().next());
    if let (Some((member, inner)), Some(s)) = (member, &union.event_stream) {
        if let Some(index) = s.errors.iter().position(|e| &e.member == member) {
            let value = params.structure(s.errors[index].error.error, inner)?;
            return Ok(EventValue::Error { error: index, value });
        }
    }
    params.union(stream, value).map(EventValue::Event)
}

/// `{ "<type>": value }`, as the case writes a header's value.
fn header(value: &Value) -> Option<HeaderExpectation> {
    let (kind, value) = value.as_object()?.iter().next()?;
    let int = || value.as_i64();
    Some(match kind.as_str() {
        "boolean" => HeaderExpectation::Bool(value.as_bool()?),
        // A byte is a number, or (as the specification words it) base64 of one byte.
        "byte" => HeaderExpectation::Byte(match value {
            Value::String(s) => *smithy_runtime::primitives::base64::decode(s).ok()?.first()? as i8,
            _ => i8::try_from(int()?).ok()?,
        }),
        "short" => HeaderExpectation::Short(i16::try_from(int()?).ok()?),
        "integer" => HeaderExpectation::Integer(i32::try_from(int()?).ok()?),
        "long" => HeaderExpectation::Long(int()?),
        "blob" => HeaderExpectation::Blob(smithy_runtime::primitives::base64::decode(value.as_str()?).ok()?),
        "string" => HeaderExpectation::String(value.as_str()?.to_owned()),
        "timestamp" => HeaderExpectation::Timestamp(match value {
            Value::String(s) => {
                smithy_runtime::primitives::DateTime::from_str(s, smithy_runtime::primitives::Format::DateTime)
                    .ok()?
                    .to_millis()
                    .ok()?
            }
            _ => (value.as_f64()? * 1000.0) as i64,
        }),
        _ => return None,
    })
}

/// The error a failure names: one the stream carries, or one the operation returns.
fn failure_of(
    krate: &Crate,
    output_stream: Option<UnionId>,
    errors: &[OperationError],
    error_id: &str,
) -> Option<FailureOf> {
    let name = error_id.rsplit('#').next().unwrap_or(error_id);
    let is = |s: StructId| krate.structure(s).shape.name() == name;
    if let Some(s) = output_stream.and_then(|u| krate.union(u).event_stream.as_ref()) {
        if let Some(index) = s.errors.iter().position(|e| is(e.error.error)) {
            return Some(FailureOf::StreamError(index));
        }
    }
    errors.iter().find(|e| is(e.error)).cloned().map(FailureOf::OperationError)
}
