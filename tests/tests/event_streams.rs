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
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

mod transcribe {
    use aws_smithy_eventstream::frame::read_message_from;
    use aws_smithy_types::event_stream::HeaderValue as RefValue;
    use bytes::Bytes;
    use fixture_transcribe_lite::event_stream::EventStreamSender;
    use fixture_transcribe_lite::types::{
        AudioEvent, AudioStream, LanguageCode, MediaEncoding, TranscriptResultStream,
    };
    use fixture_transcribe_lite::Client;
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

    type Checks = Arc<Mutex<Option<tokio::task::JoinHandle<usize>>>>;

    /// A Transcribe-shaped service over h2c: it answers the head at once, then reads the audio
    /// events as they arrive (their signatures checked) and answers each with a transcript;
    /// the task doing so, whose result is the number of audio events, is in the `Checks`.
    async fn fake_transcribe() -> (String, Checks) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let checks: Checks = Arc::default();
        let task = checks.clone();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("a connection");
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let task = task.clone();
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
                    *task.lock().unwrap() = Some(tokio::spawn(transcribe(recorded, body, frames)));
                    let response = Response::builder()
                        .header("content-type", "application/vnd.amazon.eventstream")
                        .header("x-amzn-request-id", "req-7")
                        .header("x-amzn-transcribe-language-code", "en-US")
                        .body(Frames(receiver))
                        .expect("a response");
                    Ok::<_, Infallible>(response)
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                .serve_connection(io, service)
                .await;
        });
        (url, checks)
    }

    fn signing_params(
        identity: &aws_smithy_runtime_api::client::identity::Identity,
        time: SystemTime,
    ) -> aws_sigv4::sign::v4::SigningParams<'_, ()> {
        aws_sigv4::sign::v4::SigningParams::builder()
            .identity(identity)
            .region(support::REGION)
            .name("transcribe")
            .time(time)
            .settings(())
            .build()
            .expect("signing params")
    }

    /// Reads the request's frames as they come, checking the request's and every event's
    /// signature; answers each audio event with a transcript of its length.
    async fn transcribe(request: Recorded, mut body: Incoming, frames: mpsc::UnboundedSender<Vec<u8>>) -> usize {
        assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/stream-transcription"));
        assert_eq!(request.header("content-type"), Some("application/vnd.amazon.eventstream"));
        assert_eq!(request.header("x-amzn-transcribe-language-code"), Some("en-US"));
        assert_eq!(request.header("x-amzn-transcribe-sample-rate"), Some("16000"));
        assert_eq!(request.header("x-amzn-transcribe-media-encoding"), Some("pcm"));
        assert_eq!(request.header("content-length"), None, "a stream of unknown length");
        let mut previous = support::verify_sigv4_event_stream(&request, "transcribe");
        let identity: aws_smithy_runtime_api::client::identity::Identity = aws_credential_types::Credentials::new(
            support::ACCESS_KEY_ID,
            support::SECRET_ACCESS_KEY,
            None,
            None,
            "test",
        )
        .into();
        let (mut buffer, mut audio) = (Vec::new(), 0);
        loop {
            while buffer.len() >= 4 && buffer.len() >= u32::from_be_bytes(buffer[..4].try_into().unwrap()) as usize {
                let length = u32::from_be_bytes(buffer[..4].try_into().unwrap()) as usize;
                let frame: Vec<u8> = buffer.drain(..length).collect();
                let envelope = read_message_from(&frame[..]).expect("a frame");
                let header = |name: &str| {
                    envelope.headers().iter().find(|h| h.name().as_str() == name).map(|h| h.value().clone())
                };
                let Some(RefValue::Timestamp(date)) = header(":date") else { panic!("no :date") };
                let Some(RefValue::ByteArray(signature)) = header(":chunk-signature") else { panic!("no signature") };
                let time = UNIX_EPOCH + Duration::from_secs(date.secs() as u64);
                let params = signing_params(&identity, time);
                let payload = envelope.payload();
                let inner = (!payload.is_empty()).then(|| read_message_from(&payload[..]).expect("an event inside"));
                let expected = match &inner {
                    Some(event) => aws_sigv4::event_stream::sign_message(event, &previous, &params),
                    None => aws_sigv4::event_stream::sign_empty_message(&previous, &params),
                };
                let (_, expected) = expected.expect("signs").into_parts();
                let hex: String = signature.iter().map(|b| format!("{b:02x}")).collect();
                assert_eq!(hex, expected, "the chained signature of frame {audio}");
                previous = expected;
                // The signed empty message ends the stream.
                let Some(event) = inner else { return audio };
                let event_type = event.headers().iter().find(|h| h.name().as_str() == ":event-type");
                assert_eq!(event_type.map(|h| h.value().clone()), Some(RefValue::String("AudioEvent".into())));
                audio += 1;
                let transcript = format!(
                    r#"{{"Transcript":{{"Results":[{{"ResultId":"r{audio}","IsPartial":false,"Alternatives":[{{"Transcript":"{} bytes"}}]}}]}}}}"#,
                    event.payload().len()
                );
                let _ = frames.send(encode(&json_event("TranscriptEvent", &transcript)).expect("encodes"));
            }
            let frame = std::future::poll_fn(|cx| http_body::Body::poll_frame(Pin::new(&mut body), cx)).await;
            match frame {
                Some(Ok(frame)) => buffer.extend_from_slice(&frame.into_data().unwrap_or_default()),
                Some(Err(e)) => panic!("reading the request body: {e}"),
                None => panic!("the body ended without the signed empty message"),
            }
        }
    }

    #[tokio::test]
    async fn audio_goes_out_signed_while_transcripts_come_back_over_http2() {
        let (url, checks) = fake_transcribe().await;
        let config =
            fixture_builder_at(&url).http_client(workspace_config::transport::HyperClient::http2_prior_knowledge(None));
        let client = Client::from_conf(config.build());
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
        let task = checks.lock().unwrap().take().expect("the fake was called");
        match task.await {
            Ok(events) => assert_eq!(events, 3),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("{e}"),
        }
    }
}
