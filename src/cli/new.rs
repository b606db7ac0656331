//! `juris new --from STATUTE.txt`: begin a policy from its statute text
//! ([`crate::scaffold`]), beside a copy of the text; never overwrite.

use super::{emit_diagnostics, ExitStatus, Format, Io};
use crate::diagnostic::{code, Colour, Diagnostic};
use crate::load::usage_error;
use crate::scaffold::{scaffold, Options};
use crate::source::Span;
use std::path::{Path, PathBuf};

/// The arguments of `juris new`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The statute text to encode (plain text, one numbered label at the start of a line).
    #[arg(long = "from", value_name = "STATUTE.txt")]
    pub from: PathBuf,
    /// The jurisdiction code (`OR`, `OK`).
    #[arg(long)]
    pub jurisdiction: String,
    /// The citation the cites are joined to (default: the text's `CITATION:` header).
    #[arg(long)]
    pub citation: Option<String>,
    /// The policy's file name without `.juris` (default: the statute file's name).
    #[arg(long)]
    pub name: Option<String>,
    /// The folder to write into (default: the current folder).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
}

/// Runs `juris new`.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let refuse = |io: &mut Io, message: String, help: &str| {
        let d = Diagnostic::new(&code::cannot_scaffold, message, Span::default()).help(help);
        emit_diagnostics(&[usage_error(d)], Format::Human, io.stderr, Colour::Plain);
        ExitStatus::Invalid
    };
    let text = match std::fs::read_to_string(&args.from) {
        Ok(t) => t,
        Err(e) => {
            let d = Diagnostic::new(
                &code::unreadable_path,
                format!("cannot read `{}`: {e}", args.from.display()),
                Span::default(),
            )
            .help("give the statute text as a plain-text file");
            emit_diagnostics(&[usage_error(d)], Format::Human, io.stderr, Colour::Plain);
            return ExitStatus::Invalid;
        }
    };
    let text_file = args
        .from
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "statute.txt".to_string());
    let name = args.name.clone().unwrap_or_else(|| {
        Path::new(&text_file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "policy".to_string())
    });
    let options = Options {
        text_file: text_file.clone(),
        jurisdiction: args.jurisdiction.clone(),
        citation: args.citation.clone(),
    };
    let scaffold = match scaffold(&text, &options) {
        Ok(s) => s,
        Err(e) => return refuse(io, e.to_string(), "`juris explain U003` says what it needs"),
    };
    let files = [
        (format!("{name}.juris"), scaffold.policy.as_str()),
        (format!("{name}.terms.juris"), scaffold.terms.as_str()),
        (format!("{name}.tests.juris"), scaffold.tests.as_str()),
    ];
    for (file, _) in &files {
        let path = args.dir.join(file);
        if path.exists() {
            return refuse(
                io,
                format!("`{}` exists already", path.display()),
                "`juris new` never overwrites: choose another `--name` or `--dir`",
            );
        }
    }
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        return refuse(
            io,
            format!("cannot create `{}`: {e}", args.dir.display()),
            "choose a folder you can write to with `--dir`",
        );
    }
    let copy = args.dir.join(&text_file);
    let same = std::fs::canonicalize(&copy).ok() == std::fs::canonicalize(&args.from).ok();
    if !same {
        if copy.exists() {
            return refuse(
                io,
                format!("`{}` exists already", copy.display()),
                "`juris new` never overwrites: choose another `--dir`",
            );
        }
        if let Err(e) = std::fs::write(&copy, &text) {
            return refuse(
                io,
                format!("cannot write `{}`: {e}", copy.display()),
                "choose a folder you can write to with `--dir`",
            );
        }
    }
    for (file, content) in &files {
        let path = args.dir.join(file);
        if let Err(e) = std::fs::write(&path, content) {
            return refuse(
                io,
                format!("cannot write `{}`: {e}", path.display()),
                "choose a folder you can write to with `--dir`",
            );
        }
    }
    let shown = |f: &str| args.dir.join(f).display().to_string();
    let _ = writeln!(
        io.stdout,
        "wrote {}, {} and {}: {} subsections marked `not encoded \"to do\"`{}",
        shown(&files[0].0),
        shown(&files[1].0),
        shown(&files[2].0),
        scaffold.subsections,
        if same {
            String::new()
        } else {
            format!(", beside a copy of the text ({})", copy.display())
        }
    );
    let _ = writeln!(
        io.stdout,
        "next: `juris coverage {dir}` shows what is left; declare facts in the vocabulary, then \
         turn each marker into a provision (docs/tutorial.md)",
        dir = args.dir.display()
    );
    ExitStatus::Ok
}
