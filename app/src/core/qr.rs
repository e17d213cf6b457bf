//! QR codes as inline SVG (the `qrcode` crate), for text a phone should
//! scan rather than have typed: a TOTP set-up address.

/// An SVG drawing of `text` as a QR code, or `None` if it is too long for
/// one. Black on white with the standard quiet zone, at least 200 px wide.
pub fn svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let drawn = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    // Inline in HTML: the drawing alone, without the XML declaration.
    drawn.find("<svg").map(|at| drawn[at..].to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_an_svg_and_refuses_what_does_not_fit() {
        let s = super::svg("otpauth://totp/TownBooking:a%40example.jp?secret=ABC").unwrap();
        assert!(s.starts_with("<svg"), "{}", &s[..40]);
        assert!(s.contains("<path") || s.contains("<rect"), "{s}");
        assert!(super::svg(&"x".repeat(10_000)).is_none());
    }
}
