//! The event-stream decoder on any bytes, fed in chunks of any size (the first byte picks it):
//! no panic, every message it reads is the frame it came from (encoding it again gives those
//! bytes, where the encoder takes its values), and a stream that is not whole frames ends in an
//! error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smithy_runtime::event_stream::{decode, encode, Decoder};

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else { return };
    let chunk = usize::from(first % 64) + 1;
    let mut decoder = Decoder::new();
    let mut frames = Vec::new();
    let mut failed = false;
    for piece in bytes.chunks(chunk) {
        decoder.push(piece);
        loop {
            match decoder.next_message() {
                Ok(Some(message)) => frames.push(message),
                Ok(None) => break,
                Err(_) => {
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            break;
        }
    }
    let mut at = 0;
    for message in &frames {
        // The decoder takes values up to the two-byte length's limit; the encoder keeps to the
        // spec's 32767 bytes, so such a frame is not written back.
        let Ok(frame) = encode(message) else { return };
        assert_eq!(&bytes[at..at + frame.len()], frame.as_slice(), "re-encoding gives the frame");
        assert_eq!(decode(&frame).as_ref(), Ok(message));
        at += frame.len();
    }
    if !failed {
        assert_eq!(decoder.finish().is_ok(), at == bytes.len(), "finish reports exactly the bytes left");
    }
});
