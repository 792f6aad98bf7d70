//! End to end: event streams against fake services on 127.0.0.1. A Bedrock-shaped
//! `ConverseStream` (the `bedrock-lite` fixture) streams text deltas, the closing metadata and,
//! in another call, a modeled error in the stream; a Lambda-shaped `InvokeWithResponseStream`
//! (`lambda-lite`) streams a function's response in chunks. A Transcribe-shaped
//! `StartStreamTranscription` (`transcribe-lite`) sends audio as events over HTTP/2 while
//! transcripts come back, each answered before the next is sent; the fake reads every frame
//! with the reference decoder (aws-smithy-eventstream) and checks the initial request's
//! signature and each event's chained signature with aws-sigv4.

mod support;

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, UNIX_EPOCH};

use support::{fixture_builder, fixture_builder_at, FakeServer, Recorded, Reply};
use workspace_runtime::event_stream::{encode, event_message, exception_message, Message};

fn frames(messages: &[Message]) -> Vec<u8> {
    messages.iter().flat_map(|m| encode(m).expect("the fake's message encodes")).collect()
}

fn json_event(event_type: &str, json: &str) -> Message {
    event_message(event_type, Some("application/json"), json.as_bytes().to_vec())
}

/// A `200` whose body is the event stream `body`, with `headers` besides.
fn stream_reply(body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
    let mut reply = Reply {
        status: 200,
        headers: vec![("Content-Type".into(), "application/vnd.amazon.eventstream".into())],
        body,
        delay: Duration::ZERO,
    };
    for (name, value) in headers {
        reply = reply.with_header(name, value);
    }
    reply
}

mod bedrock {
    use fixture_bedrock_lite::types::error::ConverseStreamOutputError;
    use fixture_bedrock_lite::types::{
        ContentBlock, ContentBlockDelta, ConversationRole, ConverseStreamOutput, StopReason,
    };
    use fixture_bedrock_lite::Client;

    use super::*;

    fn conversation(
        server: &FakeServer,
    ) -> fixture_bedrock_lite::operation::converse_stream::builders::ConverseStreamFluentBuilder {
        let message = fixture_bedrock_lite::types::Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text("Say hello".into()))
            .build()
            .expect("a message");
        Client::from_conf(fixture_builder(server).build())
            .converse_stream()
            .model_id("anthropic.claude-v2")
            .messages(message)
    }

    #[tokio::test]
    async fn converse_stream_yields_text_deltas_and_the_metadata() {
        let body = frames(&[
            json_event("messageStart", r#"{"role":"assistant"}"#),
            json_event("contentBlockDelta", r#"{"delta":{"text":"Hel"},"contentBlockIndex":0}"#),
            json_event("contentBlockDelta", r#"{"delta":{"text":"lo, "},"contentBlockIndex":0}"#),
            // An event this client does not know yet.
            json_event("contentBlockStart", r#"{"start":{},"contentBlockIndex":0}"#),
            json_event("contentBlockDelta", r#"{"delta":{"text":"world"},"contentBlockIndex":0}"#),
            json_event("messageStop", r#"{"stopReason":"end_turn"}"#),
            json_event(
                "metadata",
                r#"{"usage":{"inputTokens":9,"outputTokens":3,"totalTokens":12},"metrics":{"latencyMs":421}}"#,
            ),
        ]);
        let server = FakeServer::start(move |_, _| stream_reply(body.clone(), &[]));
        let mut output = conversation(&server).send().await.expect("ConverseStream");
        let (mut text, mut unknown, mut stop, mut usage) = (String::new(), 0, None, None);
        while let Some(event) = output.stream.recv().await.expect("an event") {
            match event {
                ConverseStreamOutput::MessageStart(start) => assert_eq!(start.role, ConversationRole::Assistant),
                ConverseStreamOutput::ContentBlockDelta(delta) => match &delta.delta {
                    ContentBlockDelta::Text(t) => text.push_str(t),
                    other => panic!("unexpected delta {other:?}"),
                },
                ConverseStreamOutput::MessageStop(s) => stop = Some(s.stop_reason),
                ConverseStreamOutput::Metadata(m) => usage = Some((m.usage.total_tokens, m.metrics.latency_ms)),
                other if other.is_unknown() => unknown += 1,
                other => panic!("unexpected event {other:?}"),
            }
        }
        assert_eq!(text, "Hello, world");
        assert_eq!((unknown, stop, usage), (1, Some(StopReason::EndTurn), Some((12, 421))));
        let request = &server.requests()[0];
        assert_eq!((request.method.as_str(), request.path()), ("POST", "/model/anthropic.claude-v2/converse-stream"));
        support::verify_sigv4_for(request, None, "bedrock");
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("a JSON body");
        assert_eq!(body, serde_json::json!({"messages": [{"role": "user", "content": [{"text": "Say hello"}]}]}));
    }

    #[tokio::test]
    async fn a_modeled_error_in_the_stream_is_typed_and_ends_it() {
        let body = frames(&[
            json_event("contentBlockDelta", r#"{"delta":{"text":"Hel"},"contentBlockIndex":0}"#),
            exception_message(
                "modelStreamErrorException",
                Some("application/json"),
                br#"{"message":"the model stopped","originalStatusCode":500,"originalMessage":"overloaded"}"#.to_vec(),
            ),
            json_event("contentBlockDelta", r#"{"delta":{"text":"never read"},"contentBlockIndex":0}"#),
        ]);
        let server = FakeServer::start(move |_, _| stream_reply(body.clone(), &[]));
        let mut output = conversation(&server).send().await.expect("ConverseStream");
        assert!(matches!(output.stream.recv().await, Ok(Some(ConverseStreamOutput::ContentBlockDelta(_)))));
        let error = output.stream.recv().await.expect_err("the stream's error");
        let Some(ConverseStreamOutputError::ModelStreamErrorException(e)) = error.into_service_error() else {
            panic!("expected ModelStreamErrorException");
        };
        assert_eq!((e.message.as_deref(), e.original_status_code), (Some("the model stopped"), Some(500)));
        assert_eq!(e.meta().code(), Some("ModelStreamErrorException"));
        assert!(output.stream.recv().await.expect("ended").is_none(), "nothing after the error");
    }

    #[tokio::test]
    async fn a_damaged_frame_ends_the_stream_with_an_error() {
        let mut body = frames(&[
            json_event("contentBlockDelta", r#"{"delta":{"text":"Hel"},"contentBlockIndex":0}"#),
            json_event("contentBlockDelta", r#"{"delta":{"text":"lo"},"contentBlockIndex":0}"#),
        ]);
        let last = body.len() - 10;
        body[last] ^= 0x20;
        let server = FakeServer::start(move |_, _| stream_reply(body.clone(), &[]));
        let mut output = conversation(&server).send().await.expect("ConverseStream");
        assert!(output.stream.recv().await.expect("the first event").is_some());
        let error = output.stream.recv().await.expect_err("a damaged message");
        assert!(
            matches!(&error, workspace_runtime::event_stream::RecvError::Message(e)
                if matches!(e.kind(), workspace_runtime::event_stream::ErrorKind::MessageChecksum { .. })),
            "{error:?}"
        );
    }
}

mod lambda {
    use fixture_lambda_lite::types::InvokeWithResponseStreamResponseEvent as Event;
    use fixture_lambda_lite::Client;

    use super::*;

    #[tokio::test]
    async fn invoke_with_response_stream_reads_the_chunks_then_completion() {
        let chunk = |bytes: &[u8]| event_message("PayloadChunk", Some("application/octet-stream"), bytes.to_vec());
        let body = frames(&[
            chunk(b"{\"greeting\":"),
            chunk(b"\"hello\"}"),
            json_event("InvokeComplete", r#"{"LogResult":"c3RhcnQ="}"#),
        ]);
        let server = FakeServer::start(move |_, _| stream_reply(body.clone(), &[("X-Amz-Executed-Version", "7")]));
        let client = Client::from_conf(fixture_builder(&server).build());
        let mut output = client
            .invoke_with_response_stream()
            .function_name("greeter")
            .payload(fixture_lambda_lite::primitives::Blob::new(b"{}".to_vec()))
            .send()
            .await
            .expect("InvokeWithResponseStream");
        assert_eq!((output.status_code, output.executed_version.as_deref()), (Some(200), Some("7")));
        let mut payload = Vec::new();
        let mut completed = None;
        while let Some(event) = output.event_stream.recv().await.expect("an event") {
            match event {
                Event::PayloadChunk(c) => payload.extend_from_slice(c.payload.as_ref().expect("a chunk").as_ref()),
                Event::InvokeComplete(c) => completed = Some(c.log_result),
                other => panic!("unexpected event {other:?}"),
            }
        }
        assert_eq!(payload, br#"{"greeting":"hello"}"#);
        assert_eq!(completed, Some(Some("c3RhcnQ=".to_owned())));
        let request = &server.requests()[0];
        assert_eq!(request.path(), "/2021-11-15/functions/greeter/response-streaming-invocations");
        support::verify_sigv4_for(request, None, "lambda");
    }
}

/// A fake service over h2c for input event streams: it answers the head at once, then reads the
/// client's frames as they arrive with aws-smithy-eventstream, checks the request's and every
/// event's chained signature with aws-sigv4, and sends what `answer` makes of each event.
mod h2 {
    use aws_smithy_eventstream::frame::read_message_from;
    use aws_smithy_types::event_stream::HeaderValue as RefValue;
    pub use aws_smithy_types::event_stream::Message as RefMessage;
    use bytes::Bytes;
    use hyper::body::{Frame, Incoming};
    use hyper::{Request, Response};
    use tokio::sync::mpsc;

    use super::*;

    /// The fake's response body: the frames its reader task sends, as they are sent.
    struct Frames(mpsc::UnboundedReceiver<Vec<u8>>);

    impl http_body::Body for Frames {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            self.0.poll_recv(cx).map(|frame| frame.map(|bytes| Ok(Frame::data(Bytes::from(bytes)))))
        }
    }

    /// What a fake does: its response head's headers, its checks of the request's head, and its
    /// answer to each event (by its index).
    pub struct Service {
        pub signing_name: &'static str,
        pub headers: &'static [(&'static str, &'static str)],
        pub check_head: fn(&Recorded),
        pub answer: fn(usize, &RefMessage) -> Vec<Message>,
    }

    /// The task reading the request; its result is the events it read, in order.
    pub type Reader = Arc<Mutex<Option<tokio::task::JoinHandle<Vec<RefMessage>>>>>;

    /// Serves one connection on 127.0.0.1; returns its URL and the request's reader.
    pub async fn serve(service: Service) -> (String, Reader) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let reader: Reader = Arc::default();
        let task = reader.clone();
        let service = Arc::new(service);
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("a connection");
            let handler = hyper::service::service_fn(move |request: Request<Incoming>| {
                let (task, service) = (task.clone(), service.clone());
                async move {
                    let (parts, body) = request.into_parts();
                    assert_eq!(parts.version, hyper::Version::HTTP_2);
                    let recorded = Recorded {
                        method: parts.method.to_string(),
                        target: parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
                        headers: parts
                            .headers
                            .iter()
                            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().expect("text").to_owned()))
                            .collect(),
                        body: Vec::new(),
                    };
                    let (frames, receiver) = mpsc::unbounded_channel();
                    let mut response = Response::builder().header("content-type", "application/vnd.amazon.eventstream");
                    for (name, value) in service.headers {
                        response = response.header(*name, *value);
                    }
                    *task.lock().unwrap() = Some(tokio::spawn(read_events(service, recorded, body, frames)));
                    Ok::<_, Infallible>(response.body(Frames(receiver)).expect("a response"))
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .serve_connection(io, handler)
                .await;
        });
        (url, reader)
    }

    /// The events the reader read, its panics resumed here.
    pub async fn events(reader: &Reader) -> Vec<RefMessage> {
        let task = reader.lock().unwrap().take().expect("the fake was called");
        match task.await {
            Ok(events) => events,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("{e}"),
        }
    }

    pub fn header(message: &RefMessage, name: &str) -> Option<RefValue> {
        message.headers().iter().find(|h| h.name().as_str() == name).map(|h| h.value().clone())
    }

    async fn read_events(
        service: Arc<Service>,
        request: Recorded,
        mut body: Incoming,
        frames: mpsc::UnboundedSender<Vec<u8>>,
    ) -> Vec<RefMessage> {
        (service.check_head)(&request);
        assert_eq!(request.header("content-type"), Some("application/vnd.amazon.eventstream"));
        assert_eq!(request.header("content-length"), None, "a stream of unknown length");
        let mut previous = support::verify_sigv4_event_stream(&request, service.signing_name);
        let identity: aws_smithy_runtime_api::client::identity::Identity = aws_credential_types::Credentials::new(
            support::ACCESS_KEY_ID,
            support::SECRET_ACCESS_KEY,
            None,
            None,
            "test",
        )
        .into();
        let (mut buffer, mut events) = (Vec::new(), Vec::new());
        loop {
            while buffer.len() >= 4 && buffer.len() >= u32::from_be_bytes(buffer[..4].try_into().unwrap()) as usize {
                let length = u32::from_be_bytes(buffer[..4].try_into().unwrap()) as usize;
                let frame: Vec<u8> = buffer.drain(..length).collect();
                let envelope = read_message_from(&frame[..]).expect("a frame");
                let Some(RefValue::Timestamp(date)) = header(&envelope, ":date") else { panic!("no :date") };
                let Some(RefValue::ByteArray(signature)) = header(&envelope, ":chunk-signature") else {
                    panic!("no signature")
                };
                let params = aws_sigv4::sign::v4::SigningParams::builder()
                    .identity(&identity)
                    .region(support::REGION)
                    .name(service.signing_name)
                    .time(UNIX_EPOCH + Duration::from_secs(date.secs() as u64))
                    .settings(())
                    .build()
                    .expect("signing params");
                let payload = envelope.payload();
                let inner = (!payload.is_empty()).then(|| read_message_from(&payload[..]).expect("an event inside"));
                let expected = match &inner {
                    Some(event) => aws_sigv4::event_stream::sign_message(event, &previous, &params),
                    None => aws_sigv4::event_stream::sign_empty_message(&previous, &params),
                };
                let (_, expected) = expected.expect("signs").into_parts();
                let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
                assert_eq!(hex, expected, "the chained signature of frame {}", events.len());
                previous = expected;
                // The signed empty message ends the stream.
                let Some(event) = inner else { return events };
                for answer in (service.answer)(events.len(), &event) {
                    let _ = frames.send(encode(&answer).expect("encodes"));
                }
                events.push(event);
            }
            let frame = std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await;
            match frame {
                Some(Ok(frame)) => buffer.extend_from_slice(&frame.into_data().unwrap_or_default()),
                Some(Err(e)) => panic!("reading the request body: {e}"),
                None => panic!("the body ended without the signed empty message"),
            }
        }
    }
}

fn h2_config(url: &str) -> workspace_runtime::config::Config {
    fixture_builder_at(url).http_client(workspace_config::transport::HyperClient::http2_prior_knowledge(None)).build()
}

mod transcribe {
    use aws_smithy_types::event_stream::HeaderValue as RefValue;
    use fixture_transcribe_lite::event_stream::EventStreamSender;
    use fixture_transcribe_lite::types::{
        AudioEvent, AudioStream, LanguageCode, MediaEncoding, TranscriptResultStream,
    };
    use fixture_transcribe_lite::Client;

    use super::*;

    const TRANSCRIBE: h2::Service = h2::Service {
        signing_name: "transcribe",
        headers: &[("x-amzn-request-id", "req-7"), ("x-amzn-transcribe-language-code", "en-US")],
        check_head: |request| {
            assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/stream-transcription"));
            assert_eq!(request.header("x-amzn-transcribe-language-code"), Some("en-US"));
            assert_eq!(request.header("x-amzn-transcribe-sample-rate"), Some("16000"));
            assert_eq!(request.header("x-amzn-transcribe-media-encoding"), Some("pcm"));
        },
        // Each audio event gets a transcript of its length.
        answer: |n, event| {
            assert_eq!(h2::header(event, ":event-type"), Some(RefValue::String("AudioEvent".into())));
            let transcript = format!(
                r#"{{"Transcript":{{"Results":[{{"ResultId":"r{}","IsPartial":false,"Alternatives":[{{"Transcript":"{} bytes"}}]}}]}}}}"#,
                n + 1,
                event.payload().len()
            );
            vec![json_event("TranscriptEvent", &transcript)]
        },
    };

    #[tokio::test]
    async fn audio_goes_out_signed_while_transcripts_come_back_over_http2() {
        let (url, reader) = h2::serve(TRANSCRIBE).await;
        let client = Client::from_conf(h2_config(&url));
        let (sink, audio) = EventStreamSender::channel(2);
        let mut output = client
            .start_stream_transcription()
            .language_code(LanguageCode::EnUs)
            .media_sample_rate_hertz(16_000)
            .media_encoding(MediaEncoding::Pcm)
            .audio_stream(audio)
            .send()
            .await
            .expect("the response's head, before any audio");
        assert_eq!(
            (output.request_id.as_deref(), output.language_code.clone()),
            (Some("req-7"), Some(LanguageCode::EnUs))
        );
        // Each chunk's transcript arrives before the next chunk is sent: both ways at once.
        for (n, size) in [320usize, 640, 960].into_iter().enumerate() {
            let chunk = AudioEvent::builder()
                .audio_chunk(fixture_transcribe_lite::primitives::Blob::new(vec![7; size]))
                .build();
            sink.send(AudioStream::AudioEvent(chunk)).await.expect("the stream is open");
            let event = output.transcript_result_stream.recv().await.expect("a transcript").expect("an event");
            let TranscriptResultStream::TranscriptEvent(event) = event else { panic!("unexpected {event:?}") };
            let result = &event.transcript.as_ref().expect("a transcript").results.as_ref().expect("results")[0];
            assert_eq!(result.result_id.as_deref(), Some(format!("r{}", n + 1).as_str()));
            let text = result.alternatives.as_ref().expect("alternatives")[0].transcript.clone();
            assert_eq!(text, Some(format!("{size} bytes")));
        }
        drop(sink);
        assert!(output.transcript_result_stream.recv().await.expect("a clean end").is_none());
        let events = h2::events(&reader).await;
        let sizes: Vec<usize> = events.iter().map(|e| e.payload().len()).collect();
        assert_eq!(sizes, [320, 640, 960]);
    }
}

/// Event streams over an RPC protocol (awsJson1_1): the input's and output's other members
/// travel in `initial-request` and `initial-response` messages.
mod kinesis {
    use aws_smithy_types::event_stream::HeaderValue as RefValue;
    use fixture_kinesis_lite::event_stream::EventStreamSender;
    use fixture_kinesis_lite::types::{AckStream, RecordEvent, RecordInputStream, SubscribeToShardEventStream};
    use fixture_kinesis_lite::Client;

    use super::*;

    #[tokio::test]
    async fn subscribe_to_shard_skips_the_initial_response_and_reads_the_records() {
        let body = frames(&[
            json_event("initial-response", "{}"),
            json_event(
                "SubscribeToShardEvent",
                r#"{"Records":[{"SequenceNumber":"1","Data":"aGVsbG8=","PartitionKey":"k"}],"ContinuationSequenceNumber":"1","MillisBehindLatest":0}"#,
            ),
        ]);
        let server = FakeServer::start(move |_, _| stream_reply(body.clone(), &[]));
        let client = Client::from_conf(fixture_builder(&server).build());
        let mut output = client
            .subscribe_to_shard()
            .consumer_arn("arn:consumer")
            .shard_id("shard-1")
            .send()
            .await
            .expect("subscribed");
        let Some(SubscribeToShardEventStream::SubscribeToShardEvent(event)) =
            output.event_stream.recv().await.expect("an event")
        else {
            panic!("expected records")
        };
        assert_eq!(event.records[0].data.as_ref(), b"hello");
        assert!(output.event_stream.recv().await.expect("the end").is_none());
        let body = support::checked_aws_json_1_1(&server.requests()[0], "KinesisLite.SubscribeToShard", "kinesis");
        assert_eq!(body, serde_json::json!({"ConsumerARN": "arn:consumer", "ShardId": "shard-1"}));
    }

    const PUT_RECORDS: h2::Service = h2::Service {
        signing_name: "kinesis",
        headers: &[],
        check_head: |request| {
            assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/"));
            assert_eq!(request.header("x-amz-target"), Some("KinesisLite.PutRecordStream"));
        },
        // The initial request first; each record then gets an acknowledgement.
        answer: |n, event| {
            let event_type = h2::header(event, ":event-type");
            if n == 0 {
                assert_eq!(event_type, Some(RefValue::String("initial-request".into())));
                let members: serde_json::Value = serde_json::from_slice(event.payload()).expect("JSON");
                assert_eq!(members, serde_json::json!({"StreamName": "orders"}));
                return vec![json_event("initial-response", r#"{"StreamARN":"arn:stream/orders"}"#)];
            }
            assert_eq!(event_type, Some(RefValue::String("Record".into())));
            assert_eq!(h2::header(event, "PartitionKey"), Some(RefValue::String(format!("key-{n}").into())));
            vec![json_event("Ack", &format!(r#"{{"SequenceNumber":"{n}"}}"#))]
        },
    };

    #[tokio::test]
    async fn an_rpc_stream_sends_its_initial_request_and_reads_its_initial_response() {
        let (url, reader) = h2::serve(PUT_RECORDS).await;
        let client = Client::from_conf(h2_config(&url));
        let (sink, records) = EventStreamSender::channel(1);
        let mut output =
            client.put_record_stream().stream_name("orders").records(records).send().await.expect("the stream opens");
        // The initial response is read before the output is handed over.
        assert_eq!(output.stream_arn.as_deref(), Some("arn:stream/orders"));
        for n in 1..=2 {
            let record = RecordEvent::builder()
                .partition_key(format!("key-{n}"))
                .data(fixture_kinesis_lite::primitives::Blob::new(vec![n as u8; 8]))
                .build();
            sink.send(RecordInputStream::Record(record)).await.expect("open");
            let ack = output.acks.recv().await.expect("an ack").expect("an event");
            let AckStream::Ack(ack) = ack else { panic!("unexpected {ack:?}") };
            assert_eq!(ack.sequence_number, Some(n.to_string()));
        }
        drop(sink);
        assert!(output.acks.recv().await.expect("the end").is_none());
        assert_eq!(h2::events(&reader).await.len(), 3, "the initial request and two records");
    }
}
