//! Reading a picture as the stand-in camera stays within its memory budget whatever the file:
//! a 16-bit 8192×8192 RGBA PNG (once 694 MB at its peak) and a small PNG whose colour profile
//! inflates to 400 MB (once 546 MB) each peak under 300 MB.
//!
//! The peak is the whole process's, so each picture is read by a child process (this same
//! binary, started with `PICTURE_MEMORY_CHILD=<file>`), and the test reads the child's peak
//! resident size from the system when it ends. No test harness (`harness = false`): the binary
//! is both the test and the child.

const CHILD_ENV: &str = "PICTURE_MEMORY_CHILD";

/// Peak allowed for reading one picture.
#[cfg(unix)]
const PEAK_MB: i64 = 300;

fn main() {
    if let Some(path) = std::env::var_os(CHILD_ENV) {
        let got = preflight_camera::ImageSource::open(std::path::Path::new(&path), 30);
        match got {
            Ok(mut src) => {
                use preflight_camera::FrameSource;
                let f = src.next_frame().expect("a frame");
                println!("frame {}x{}", f.image.width(), f.image.height());
            }
            Err(e) => println!("refused: {e}"),
        }
        return;
    }
    println!("\nrunning 1 test");
    #[cfg(unix)]
    pictures_are_read_within_the_budget();
    println!(
        "test pictures_are_read_within_the_budget ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored\n"
    );
}

/// Writes a PNG of `w`×`h` zero pixels in `color` at `depth`, with `extra` chunks before the
/// data.
#[cfg(unix)]
fn write_png(
    path: &std::path::Path,
    (w, h): (u32, u32),
    color: png::ColorType,
    depth: png::BitDepth,
    extra: &[([u8; 4], Vec<u8>)],
) {
    let f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(f, w, h);
    enc.set_color(color);
    enc.set_depth(depth);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().unwrap();
    for (name, data) in extra {
        writer
            .write_chunk(png::chunk::ChunkType(*name), data)
            .unwrap();
    }
    let bytes_per_pixel = match (color, depth) {
        (png::ColorType::Rgba, png::BitDepth::Sixteen) => 8,
        (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
        _ => unreachable!(),
    };
    let row = vec![0u8; w as usize * bytes_per_pixel];
    let mut stream = writer.stream_writer().unwrap();
    for _ in 0..h {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
}

/// Reads `path` in a child process: what it said and its peak resident size in MB.
#[cfg(unix)]
// The child is waited for with `wait4`, which also tells its peak memory.
#[allow(clippy::zombie_processes)]
fn read_in_child(path: &std::path::Path) -> (String, i64) {
    let child = std::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.unwrap();
    let mut said = String::new();
    std::io::Read::read_to_string(&mut out, &mut said).unwrap();
    let mut status = 0;
    // SAFETY: a plain wait for our own child, into values owned here.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{said}"
    );
    // Kilobytes on Linux.
    (said, usage.ru_maxrss / 1024)
}

#[cfg(unix)]
fn pictures_are_read_within_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    // 16 bits a channel, 8192×8192 RGBA: 512 MB if held at 16 bits.
    let deep = dir.path().join("deep.png");
    write_png(
        &deep,
        (8192, 8192),
        png::ColorType::Rgba,
        png::BitDepth::Sixteen,
        &[],
    );
    // A small picture with a colour profile that inflates to 400 MB.
    let icc = dir.path().join("icc.png");
    let profile = {
        let mut data = b"evil\0\0".to_vec();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let block = vec![0u8; 1 << 20];
        for _ in 0..400 {
            std::io::Write::write_all(&mut z, &block).unwrap();
        }
        data.extend(z.finish().unwrap());
        data
    };
    write_png(
        &icc,
        (640, 480),
        png::ColorType::Rgb,
        png::BitDepth::Eight,
        &[(*b"iCCP", profile)],
    );
    for (picture, expect) in [(&deep, "frame 1080x1080"), (&icc, "frame 640x480")] {
        let (said, peak) = read_in_child(picture);
        eprintln!(
            "{}: {} ({peak} MB at the peak)",
            picture.display(),
            said.trim()
        );
        assert!(said.contains(expect), "{}: {said}", picture.display());
        assert!(
            peak <= PEAK_MB,
            "{}: {peak} MB at the peak (at most {PEAK_MB})",
            picture.display()
        );
    }
}
