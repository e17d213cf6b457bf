//! A facility's photo as staff upload it: only JPEG and PNG, told apart by
//! their bytes (not by the file's name or the browser's word), at most
//! [`MAX_BYTES`], and with the metadata cameras write removed before
//! anything is stored (EXIF, where a phone puts the place and time it was
//! taken and the camera's owner; XMP; comments; PNG text chunks). A JPEG
//! keeps its orientation (a new, minimal EXIF block with that tag alone)
//! so a photo taken upright is shown upright, and its colour profile.

use domain::ids::FacilityId;
use domain::status::AuditAction;
use domain::text::Lang;
use store::photos::{NewPhoto, PhotoChange};

use crate::core::access::{Actor, entry};
use crate::core::error::AppError;
use crate::core::state::AppState;
use crate::setup::texts::messages;
use crate::setup::types::{FormMessage, PhotoForm};

/// The largest photo kept (a phone photo saved for the web is far less).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
const ALT_MAX: usize = 200;

/// Why a file is not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    TooLarge,
    NotAnImage,
}

/// The photo to keep: its type and its bytes without metadata.
pub fn clean_image(bytes: &[u8]) -> Result<NewPhoto, Problem> {
    if bytes.len() > MAX_BYTES {
        return Err(Problem::TooLarge);
    }
    let (content_type, bytes) = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        ("image/jpeg", clean_jpeg(bytes).ok_or(Problem::NotAnImage)?)
    } else if bytes.starts_with(PNG) {
        ("image/png", clean_png(bytes).ok_or(Problem::NotAnImage)?)
    } else {
        return Err(Problem::NotAnImage);
    };
    Ok(NewPhoto {
        content_type: content_type.to_owned(),
        bytes,
    })
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";

fn be16(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

/// The JPEG's segments up to the image data, without APP1–APP15 (other
/// than the colour profile) and comments; a minimal EXIF block carries the
/// orientation when it was not upright. It goes where readers look for it:
/// right after the start (after the JFIF header, when there is one), never
/// among the tables later on.
fn clean_jpeg(b: &[u8]) -> Option<Vec<u8>> {
    // The JFIF header (APP0) and the rest, kept apart until the orientation is known.
    let mut jfif = Vec::new();
    let mut out = Vec::new();
    let mut orientation = None;
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        // Fill bytes before a marker.
        while *b.get(i + 1)? == 0xFF {
            i += 1;
        }
        let marker = *b.get(i + 1)?;
        if marker == 0xDA {
            // Start of scan: the image data to the end, as it is.
            let mut file = vec![0xFF, 0xD8];
            file.extend(jfif);
            if let Some(o) = orientation.filter(|o| *o != 1) {
                file.extend(exif_orientation(o));
            }
            file.extend(out);
            file.extend_from_slice(&b[i..]);
            return Some(file);
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            out.extend_from_slice(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let len = be16(b, i + 2)?;
        let end = i + 2 + len;
        let segment = b.get(i..end).filter(|_| len >= 2)?;
        let body = &segment[4..];
        match marker {
            0xE0 if out.is_empty() => jfif.extend_from_slice(segment),
            0xE1 if body.starts_with(b"Exif\0\0") => orientation = read_orientation(&body[6..]),
            0xE2 if body.starts_with(b"ICC_PROFILE\0") => out.extend_from_slice(segment),
            0xE1..=0xEF | 0xFE => {}
            _ => out.extend_from_slice(segment),
        }
        i = end;
    }
}

/// The Orientation tag (0x0112) of a TIFF block, if it has one.
fn read_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(0..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let v = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big {
            u16::from_be_bytes(v)
        } else {
            u16::from_le_bytes(v)
        })
    };
    let u32_at = |at: usize| -> Option<usize> {
        let v = [
            *tiff.get(at)?,
            *tiff.get(at + 1)?,
            *tiff.get(at + 2)?,
            *tiff.get(at + 3)?,
        ];
        usize::try_from(if big {
            u32::from_be_bytes(v)
        } else {
            u32::from_le_bytes(v)
        })
        .ok()
    };
    let ifd = u32_at(4)?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(256))
        .map(|k| ifd + 2 + k * 12)
        .find(|at| u16_at(*at) == Some(0x0112))
        .and_then(|at| u16_at(at + 8))
        .filter(|o| (1..=8).contains(o))
}

/// An APP1 segment with an EXIF block holding only the orientation.
fn exif_orientation(o: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&o.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    let mut body = b"Exif\0\0".to_vec();
    body.extend(tiff);
    let len = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&len.to_be_bytes());
    segment.extend(body);
    segment
}

/// The PNG's chunks without text, time and EXIF; `None` when it is cut
/// short or does not start with its header.
fn clean_png(b: &[u8]) -> Option<Vec<u8>> {
    let mut out = PNG.to_vec();
    let mut i = PNG.len();
    let mut first = true;
    loop {
        let len = usize::try_from(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)).ok()?;
        let kind = b.get(i + 4..i + 8)?;
        let end = i.checked_add(12)?.checked_add(len)?;
        let chunk = b.get(i..end)?;
        if first && kind != b"IHDR" {
            return None;
        }
        first = false;
        if !matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME") {
            out.extend_from_slice(chunk);
        }
        if kind == b"IEND" {
            return Some(out);
        }
        i = end;
    }
}

/// The alt texts checked: (Japanese, English), or their problems.
fn check_alt(form: &PhotoForm, lang: Lang) -> Result<(String, String), Vec<FormMessage>> {
    let t = messages(lang);
    let clean = |v: &str| -> String { v.trim().chars().filter(|c| !c.is_control()).collect() };
    let (ja, en) = (clean(&form.alt_ja), clean(&form.alt_en));
    let mut errors = Vec::new();
    if ja.is_empty() {
        errors.push(FormMessage {
            key: "alt_ja".into(),
            message: t.alt_required.to_owned(),
        });
    }
    for (key, v) in [("alt_ja", &ja), ("alt_en", &en)] {
        if v.chars().count() > ALT_MAX {
            errors.push(FormMessage {
                key: key.into(),
                message: (t.too_long)(ALT_MAX),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let en = if en.is_empty() { ja.clone() } else { en };
    Ok((ja, en))
}

impl AppState {
    /// Sets, describes or removes a facility's photo (`file`: the bytes
    /// uploaded, if any): what to say, or the form's problems.
    pub async fn save_photo(
        &self,
        actor: &Actor,
        lang: Lang,
        facility: FacilityId,
        file: Option<&[u8]>,
        form: &PhotoForm,
    ) -> Result<Result<String, Vec<FormMessage>>, AppError> {
        let (f, grant) = self.managed(actor, facility).await?;
        let t = messages(lang);
        let change = if form.remove {
            PhotoChange::Remove
        } else {
            let file = match file.map(clean_image) {
                Some(Ok(photo)) => Some(photo),
                Some(Err(problem)) => {
                    let message = match problem {
                        Problem::TooLarge => t.photo_too_large,
                        Problem::NotAnImage => t.photo_not_image,
                    };
                    let mut errors = vec![FormMessage {
                        key: "file".into(),
                        message: message.to_owned(),
                    }];
                    errors.extend(check_alt(form, lang).err().unwrap_or_default());
                    return Ok(Err(errors));
                }
                None => None,
            };
            let (alt_ja, alt_en) = match check_alt(form, lang) {
                Ok(alt) => alt,
                Err(errors) => return Ok(Err(errors)),
            };
            match file {
                Some(photo) => PhotoChange::Replace {
                    photo,
                    alt_ja,
                    alt_en,
                },
                None => PhotoChange::Alt { alt_ja, alt_en },
            }
        };
        let now = self.now();
        let e = entry(&grant, AuditAction::FacilityPhoto, String::new(), now);
        let done = self
            .store
            .set_facility_photo(f.municipality.0, f.id.0, &change, now, &e)
            .await?;
        if !done {
            return Ok(Err(vec![FormMessage {
                key: "file".into(),
                message: t.photo_missing.to_owned(),
            }]));
        }
        tracing::info!(facility = f.id.0, "facility photo changed");
        Ok(Ok(match change {
            PhotoChange::Remove => t.photo_removed,
            _ => t.photo_saved,
        }
        .to_owned()))
    }

    /// A facility's photo for residents' pages: its type and bytes. Only
    /// the request's town's facilities.
    pub async fn photo(&self, facility: FacilityId) -> Result<(String, Vec<u8>), AppError> {
        let missing = || {
            AppError::Domain(domain::error::DomainError::NotFound(
                domain::error::Missing::Facility,
            ))
        };
        let f = self.store.facility(facility).await?.ok_or_else(missing)?;
        self.check_town(f.municipality.0, domain::error::Missing::Facility)?;
        let row = self
            .store
            .facility_photo(f.id.0)
            .await?
            .ok_or_else(missing)?;
        Ok((row.content_type, row.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(segments: &[(u8, &[u8])]) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        for (marker, body) in segments {
            b.extend([0xFF, *marker]);
            b.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
            b.extend(*body);
        }
        b.extend([0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]);
        b
    }

    /// A little-endian EXIF block with orientation `o` and a GPS pointer.
    fn exif(o: u16) -> Vec<u8> {
        let mut b = b"Exif\0\0II\x2a\0\x08\0\0\0".to_vec();
        b.extend(2u16.to_le_bytes());
        b.extend(0x0112u16.to_le_bytes());
        b.extend(3u16.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(o.to_le_bytes());
        b.extend([0, 0]);
        b.extend(0x8825u16.to_le_bytes()); // GPS IFD
        b.extend(4u16.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(99u32.to_le_bytes());
        b.extend(0u32.to_le_bytes());
        b.extend(b"GPS 35.6N 139.7E owner Yamada");
        b
    }

    #[test]
    fn a_jpeg_loses_its_metadata_but_keeps_its_orientation() {
        let b = jpeg(&[
            (0xE0, b"JFIF\0\x01\x01"),
            (0xE1, &exif(6)),
            (0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>"),
            (0xFE, b"taken by Yamada"),
            (0xDB, &[0; 65]),
        ]);
        let p = clean_image(&b).unwrap();
        assert_eq!(p.content_type, "image/jpeg");
        let text = String::from_utf8_lossy(&p.bytes);
        for gone in ["GPS", "Yamada", "xmpmeta", "adobe"] {
            assert!(!text.contains(gone), "{gone} removed");
        }
        assert!(text.contains("JFIF"));
        // The new EXIF block says "rotate" (6) and nothing else, right
        // after the JFIF header, before the tables (where readers look).
        let app1 = p.bytes.windows(6).position(|w| w == b"Exif\0\0").unwrap();
        assert_eq!(read_orientation(&p.bytes[app1 + 6..]), Some(6));
        let jfif_end = 2 + 2 + 2 + b"JFIF\0\x01\x01".len();
        assert_eq!(&p.bytes[..4], &[0xFF, 0xD8, 0xFF, 0xE0]);
        assert_eq!(&p.bytes[jfif_end..jfif_end + 2], &[0xFF, 0xE1]);
        assert_eq!(app1, jfif_end + 4);
        // Without a JFIF header: right after the start of the file.
        let p = clean_image(&jpeg(&[(0xDB, &[0; 65]), (0xE1, &exif(8))])).unwrap();
        assert_eq!(&p.bytes[..4], &[0xFF, 0xD8, 0xFF, 0xE1]);
        assert_eq!(read_orientation(&p.bytes[12..]), Some(8));
        assert!(p.bytes.ends_with(&[0xFF, 0xDA, 0, 2, 1, 2, 3, 0xFF, 0xD9]));
        // Upright: no EXIF at all.
        let p = clean_image(&jpeg(&[(0xE1, &exif(1))])).unwrap();
        assert!(!p.bytes.windows(4).any(|w| w == b"Exif"));
    }

    #[test]
    fn a_png_loses_its_text() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
            c.extend(kind);
            c.extend(data);
            c.extend([0; 4]);
            c
        };
        let mut b = PNG.to_vec();
        b.extend(chunk(b"IHDR", &[0; 13]));
        b.extend(chunk(b"tEXt", b"Author\0Yamada"));
        b.extend(chunk(b"IDAT", &[1, 2, 3]));
        b.extend(chunk(b"IEND", &[]));
        let p = clean_image(&b).unwrap();
        assert_eq!(p.content_type, "image/png");
        assert!(!String::from_utf8_lossy(&p.bytes).contains("Yamada"));
        assert_eq!(p.bytes.len(), b.len() - (12 + 13));
    }

    #[test]
    fn anything_else_is_refused() {
        assert_eq!(clean_image(b"GIF89a...."), Err(Problem::NotAnImage));
        assert_eq!(
            clean_image(b"<svg onload=alert(1)>"),
            Err(Problem::NotAnImage)
        );
        assert_eq!(
            clean_image(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 40]),
            Err(Problem::NotAnImage),
            "cut short"
        );
        let mut png = PNG.to_vec();
        png.extend([0, 0, 0, 0]);
        png.extend(b"IDAT");
        assert_eq!(
            clean_image(&png),
            Err(Problem::NotAnImage),
            "no header first"
        );
        assert_eq!(
            clean_image(&vec![0xFF; MAX_BYTES + 1]),
            Err(Problem::TooLarge)
        );
    }
}
