//! Fuzz-style test of the WAV reader: 100 000 random and corrupted files, none of which may
//! make it panic; a corrupted file is either refused with a reason or decoded to finite samples.

use headroom_lab::dsp::noise::Random;
use headroom_lab::wav;

fn valid_wav(random: &mut Random) -> Vec<u8> {
    let channels = 1 + (random.uniform() * 3.0) as u16;
    let (tag, bits) = [(1u16, 8u16), (1, 16), (1, 24), (1, 32), (3, 32), (3, 64)][(random.uniform() * 6.0) as usize];
    let frames = (random.uniform() * 40.0) as usize;
    let align = channels * bits / 8;
    let data: Vec<u8> = (0..frames * usize::from(align)).map(|_| (random.uniform() * 256.0) as u8).collect();
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&44_100u32.to_le_bytes());
    b.extend_from_slice(&(44_100 * u32::from(align)).to_le_bytes());
    b.extend_from_slice(&align.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data.len() as u32).to_le_bytes());
    b.extend_from_slice(&data);
    b
}

#[test]
fn no_input_makes_the_reader_panic() {
    let mut random = Random::new(2024);
    let mut accepted = 0;
    for case in 0..100_000u32 {
        let bytes: Vec<u8> = match case % 4 {
            // Pure noise of random length.
            0 => (0..(random.uniform() * 200.0) as usize).map(|_| (random.uniform() * 256.0) as u8).collect(),
            // A valid file with a few bytes flipped.
            1 | 2 => {
                let mut b = valid_wav(&mut random);
                for _ in 0..=((random.uniform() * 4.0) as usize) {
                    let i = (random.uniform() * b.len() as f64) as usize;
                    b[i] = (random.uniform() * 256.0) as u8;
                }
                b
            }
            // A valid file cut short or extended with junk.
            _ => {
                let mut b = valid_wav(&mut random);
                let keep = (random.uniform() * (b.len() + 16) as f64) as usize;
                b.resize(keep, 0xAB);
                b
            }
        };
        if let Ok(audio) = wav::read_bytes(&bytes) {
            accepted += 1;
            assert!(audio.channels.iter().flatten().all(|x| x.is_finite()));
            assert!(audio.frames() > 0);
        }
    }
    // Some corrupted files are still valid WAVs (a flipped sample byte); most are not.
    assert!(accepted > 1_000 && accepted < 90_000, "accepted {accepted}");
}
