//! MIME: decoding of headers, bodies and parts (owned by the mime helper).
