//! SigV4's chained signing of input event streams (Transcribe streaming, Lex, ...), as AWS SDKs
//! sign them: each event, encoded, becomes the payload of an envelope message whose
//! `:chunk-signature` covers it, its `:date` and the signature before it, so that the service
//! can check every event, and their order, against the signed initial request.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{encode, write_header, ErrorKind, EventStreamError, Header, HeaderValue, Message};
use crate::digest::{hmac_sha256, sha256};
use crate::primitives::hex;
use crate::sigv4::{format_amz_date, signing_key, SigningParams};

/// The algorithm line of an event's string to sign.
const ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";

/// Signs the events of one input stream in turn, each signature chained into the next.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use smithy_runtime::event_stream::{encode, EventSigner, HeaderValue, Message};
/// use smithy_runtime::sigv4::{SigningParams, SigningSettings};
///
/// let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let params = SigningParams {
///     access_key_id: "AKIDEXAMPLE",
///     secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
///     session_token: None,
///     region: "us-east-1",
///     service: "transcribe",
///     time,
///     settings: SigningSettings::Standard,
/// };
/// // The signature of the initial request, from `sigv4::sign_with_details`.
/// let mut signer = EventSigner::new(&params, "6f0d4ca3ec03ff6c1dfda0ed3c9b0e09d3a86bb5d1b4cf3f4e8a2c5e9b1d7a30");
/// let audio = Message::new(vec![0u8; 320]).with_header(":event-type", HeaderValue::String("AudioEvent".into()));
/// let frame = encode(&signer.sign(&audio, time).unwrap()).unwrap();
/// let end = encode(&signer.sign_empty(time).unwrap()).unwrap();
/// # assert!(frame.len() > 320 && end.len() > 16);
/// ```
pub struct EventSigner {
    secret_access_key: String,
    region: String,
    service: String,
    /// The signature of the last message signed, or the initial request's: hex.
    signature: String,
}

// By hand, so that the secret key never reaches logs.
impl fmt::Debug for EventSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSigner")
            .field("secret_access_key", &"** redacted **")
            .field("region", &self.region)
            .field("service", &self.service)
            .field("signature", &self.signature)
            .finish()
    }
}

impl EventSigner {
    /// A signer for the stream of the request `params` signed, whose signature (64 hex digits)
    /// is `seed_signature`. Only the secret key, the Region and the service of `params` are
    /// used: each event is signed at the time it is given, and the session token is not part
    /// of event signatures.
    pub fn new(params: &SigningParams<'_>, seed_signature: impl Into<String>) -> Self {
        EventSigner {
            secret_access_key: params.secret_access_key.to_owned(),
            region: params.region.to_owned(),
            service: params.service.to_owned(),
            signature: seed_signature.into(),
        }
    }

    /// Wraps `message` in a signed envelope: `:chunk-signature` (the 32 signature bytes) and
    /// `:date` (`time` in whole seconds) headers, and the encoded message as payload.
    ///
    /// Fails when `message` cannot be encoded or `time` is before 1970.
    pub fn sign(&mut self, message: &Message, time: SystemTime) -> Result<Message, EventStreamError> {
        let payload = encode(message)?;
        self.sign_payload(payload, time)
    }

    /// The envelope with an empty payload that ends the stream, signed as the others are.
    pub fn sign_empty(&mut self, time: SystemTime) -> Result<Message, EventStreamError> {
        self.sign_payload(Vec::new(), time)
    }

    /// The signature of the last envelope signed (the seed before the first), in hex: the
    /// prior signature of the next one.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    fn sign_payload(&mut self, payload: Vec<u8>, time: SystemTime) -> Result<Message, EventStreamError> {
        let invalid_time = || EventStreamError { kind: ErrorKind::InvalidSigningTime, offset: None };
        // Whole seconds, as in the amz-date: the `:date` header must say the same instant.
        let seconds = time.duration_since(UNIX_EPOCH).map_err(|_| invalid_time())?.as_secs();
        let millis =
            i64::try_from(seconds).ok().and_then(|seconds| seconds.checked_mul(1000)).ok_or_else(invalid_time)?;
        let date = Header::new(":date", HeaderValue::Timestamp(millis));
        let amz_date = format_amz_date(seconds);
        // The first 8 characters are the `YYYYMMDD` date of the credential scope.
        let day = amz_date.get(..8).unwrap_or_default();
        let string_to_sign = self.string_to_sign(&amz_date, &date, &payload);
        let key = signing_key(&self.secret_access_key, day, &self.region, &self.service);
        let signature = hmac_sha256(&key, string_to_sign.as_bytes());
        self.signature = hex(&signature);
        // In aws-sigv4's order, so that envelopes are byte for byte the SDKs'.
        Ok(Message {
            headers: vec![Header::new(":chunk-signature", HeaderValue::ByteArray(signature.to_vec())), date],
            payload,
        })
    }

    /// The algorithm, the amz-date, the scope, the prior signature, and the SHA-256 of the
    /// encoded `:date` header and of the payload, one a line.
    fn string_to_sign(&self, amz_date: &str, date: &Header, payload: &[u8]) -> String {
        let mut date_bytes = Vec::new();
        write_header(date, &mut date_bytes);
        let day = amz_date.get(..8).unwrap_or_default();
        let scope = [day, &self.region, &self.service, "aws4_request"].join("/");
        [ALGORITHM, amz_date, &scope, &self.signature, &hex(&sha256(&date_bytes)), &hex(&sha256(payload))].join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event_stream::decode;
    use crate::event_stream::tests::to_reference;
    use crate::sigv4::SigningSettings;
    use aws_credential_types::Credentials;
    use aws_sigv4::event_stream::{sign_empty_message, sign_message};
    use aws_sigv4::sign::v4;
    use aws_smithy_eventstream::frame::write_message_to;
    use aws_smithy_runtime_api::client::identity::Identity;
    use std::time::Duration;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn params(service: &'static str) -> SigningParams<'static> {
        SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: SECRET,
            session_token: Some("a session token, which event signatures leave out"),
            region: "us-east-1",
            service,
            time: UNIX_EPOCH,
            settings: SigningSettings::Standard,
        }
    }

    fn at(seconds: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(seconds, nanos)
    }

    #[test]
    fn string_to_sign_matches_aws_sigv4s_vector() {
        // aws-sigv4's `event_stream::tests::string_to_sign`.
        let message = Message::new(*b"test payload").with_header("some-header", HeaderValue::String("value".into()));
        let signer = EventSigner::new(&params("testservice"), hex(&sha256(b"last message sts")));
        let date = Header::new(":date", HeaderValue::Timestamp(123_456_789_000));
        assert_eq!(
            signer.string_to_sign("19731129T213309Z", &date, &encode(&message).unwrap()),
            "AWS4-HMAC-SHA256-PAYLOAD\n\
             19731129T213309Z\n\
             19731129/us-east-1/testservice/aws4_request\n\
             be1f8c7d79ef8e1abc5254a2c70e4da3bfaf4f07328f527444e1fc6ea67273e2\n\
             0c0e3b3bf66b59b976181bd7d401927bbd624107303c713fd1e5f3d3c8dd1b1e\n\
             f2eba0f2e95967ee9fbc6db5e678d2fd599229c0d04b11e4fc8e0f2a02a806c6"
        );
    }

    #[test]
    fn chained_signatures_match_aws_sigv4_byte_for_byte() {
        let identity: Identity = Credentials::new("AKIDEXAMPLE", SECRET, None, None, "test").into();
        let seed = "3b7dbbdd4bbc4ea7ab8a3a5d9d0f1b5f1e2c7a1c5f9e0d4b8a6c2e1f0d9b8a7c";
        let mut signer = EventSigner::new(&params("transcribe"), seed);
        let mut previous = seed.to_owned();
        // Sub-second times (which both truncate), and a UTC midnight, where the scope's date and
        // the signing key change.
        let times = [
            at(1_700_006_398, 750_000_000),
            at(1_700_006_399, 999_999_999),
            at(1_700_006_400, 0),
            at(1_700_006_401, 1),
        ];
        for (index, time) in times.into_iter().enumerate() {
            let event = Message::new(vec![index as u8; 100 * index])
                .with_header(":message-type", HeaderValue::String("event".into()))
                .with_header(":event-type", HeaderValue::String("AudioEvent".into()))
                .with_header(":content-type", HeaderValue::String("application/octet-stream".into()));
            let reference_params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("transcribe")
                .time(time)
                .settings(())
                .build()
                .unwrap();
            let (expected, signature) =
                sign_message(&to_reference(&event), &previous, &reference_params).unwrap().into_parts();
            let mut expected_bytes = Vec::new();
            write_message_to(&expected, &mut expected_bytes).unwrap();

            let signed = signer.sign(&event, time).unwrap();
            assert_eq!(encode(&signed).unwrap(), expected_bytes, "event {index}");
            assert_eq!(signer.signature(), signature);
            previous = signature;
        }
        let end = at(1_700_006_402, 5);
        let reference_params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("transcribe")
            .time(end)
            .settings(())
            .build()
            .unwrap();
        let (expected, signature) = sign_empty_message(&previous, &reference_params).unwrap().into_parts();
        let mut expected_bytes = Vec::new();
        write_message_to(&expected, &mut expected_bytes).unwrap();
        assert_eq!(encode(&signer.sign_empty(end).unwrap()).unwrap(), expected_bytes);
        assert_eq!(signer.signature(), signature);
    }

    #[test]
    fn the_envelope_carries_the_signature_the_date_and_the_event() {
        let mut signer = EventSigner::new(&params("transcribe"), "seed");
        let event = Message::new(*b"audio").with_header(":event-type", HeaderValue::String("AudioEvent".into()));
        let envelope = decode(&encode(&signer.sign(&event, at(1_440_938_160, 123_456_789)).unwrap()).unwrap()).unwrap();
        let signature = envelope.header(":chunk-signature").and_then(HeaderValue::as_byte_array).unwrap();
        assert_eq!(hex(signature), signer.signature());
        assert_eq!(envelope.header(":date"), Some(&HeaderValue::Timestamp(1_440_938_160_000)));
        assert_eq!(decode(&envelope.payload).unwrap(), event);

        let end = signer.sign_empty(at(1_440_938_161, 0)).unwrap();
        assert!(end.payload.is_empty());
        assert_eq!(end.header(":date"), Some(&HeaderValue::Timestamp(1_440_938_161_000)));
    }

    #[test]
    fn failures_leave_the_chain_where_it_was() {
        let mut signer = EventSigner::new(&params("transcribe"), "seed");
        let unnamed = Message::default().with_header("", HeaderValue::Bool(true));
        let error = signer.sign(&unnamed, at(0, 0)).unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidHeaderName { index: 0, length: 0 });
        let before_1970 = UNIX_EPOCH - Duration::from_secs(1);
        assert_eq!(signer.sign_empty(before_1970).unwrap_err().kind(), &ErrorKind::InvalidSigningTime);
        if let Some(too_late) = UNIX_EPOCH.checked_add(Duration::from_secs(i64::MAX as u64 / 1000 + 1)) {
            assert_eq!(signer.sign_empty(too_late).unwrap_err().kind(), &ErrorKind::InvalidSigningTime);
        }
        assert_eq!(signer.signature(), "seed");
    }

    #[test]
    fn debug_hides_the_secret() {
        let debug = format!("{:?}", EventSigner::new(&params("transcribe"), "seed"));
        assert!(!debug.contains("EXAMPLEKEY"), "{debug}");
        assert!(debug.contains("transcribe"), "{debug}");
    }
}
