//! One audit rule, read the way `auditctl` reads it, and normalised so that rules which audit
//! the same thing compare the same: `exit,always` is `always,exit`, `-k K` is `-F key=K`, a
//! `-w` without `-p` is `rwxa`, a trailing `/` is trimmed, and `-a always,exit -F path=P
//! -F perm=X` is the watch `-w P -p X`.
//!
//! This module only parses and renders; deciding whether a rule satisfies a check is
//! `have_watch`'s job.

use std::fmt;

/// The access classes a watch records: any of `r`, `w`, `x`, `a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Perms(u8);

impl Perms {
    const LETTERS: [(char, u8); 4] = [('r', 1), ('w', 2), ('x', 4), ('a', 8)];

    /// Every class, what a watch without `-p` records.
    pub(crate) const ALL: Perms = Perms(15);

    /// Parses letters such as `wa`; `None` on an empty string or any other letter.
    pub(crate) fn parse(text: &str) -> Option<Perms> {
        if text.is_empty() {
            return None;
        }
        let mut bits = 0;
        for c in text.chars() {
            let (_, bit) = Self::LETTERS.iter().find(|(l, _)| *l == c)?;
            bits |= bit;
        }
        Some(Perms(bits))
    }

    /// Whether every class of `other` is in `self`.
    pub(crate) fn contains(self, other: Perms) -> bool {
        self.0 & other.0 == other.0
    }

    /// The classes of either.
    pub(crate) fn union(self, other: Perms) -> Perms {
        Perms(self.0 | other.0)
    }

    /// The classes of both.
    pub(crate) fn intersection(self, other: Perms) -> Perms {
        Perms(self.0 & other.0)
    }

    /// The classes of `needed` that `self` lacks.
    pub(crate) fn missing(self, needed: Perms) -> Perms {
        Perms(needed.0 & !self.0)
    }

    /// Whether no class is set.
    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Perms {
    /// The letters in auditctl's order, `r`, `w`, `x`, `a`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (letter, bit) in Self::LETTERS {
            if self.0 & bit != 0 {
                write!(f, "{letter}")?;
            }
        }
        Ok(())
    }
}

/// What a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleKind {
    /// `-w PATH`.
    Watch,
    /// `-a …,exit -F path=PATH`.
    PathSyscall,
    /// `-a …,exit -F dir=PATH` (the directory and everything below it).
    DirSyscall,
    /// Anything else: plain syscall rules, other lists, deletions.
    Other,
}

/// Whether matching events are recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `always`: record.
    Always,
    /// `never`: suppress; such a rule never counts as auditing.
    Never,
}

/// A rule, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuditRule {
    /// What it is about.
    pub(crate) kind: RuleKind,
    /// The watched path (`-w`, `-F path=`, `-F dir=`), without a trailing `/`.
    pub(crate) path: Option<String>,
    /// `-p` / `-F perm=` as written; `None` when absent.
    pub(crate) perms: Option<Perms>,
    /// Every `-k` / `-F key=`, in order.
    pub(crate) keys: Vec<String>,
    /// `always` / `never`; `None` for anything else.
    pub(crate) action: Option<Action>,
    /// The action word as written (`always`).
    pub(crate) action_text: Option<String>,
    /// The list (`exit`, `exclude`, …); `exit` for `-w`.
    pub(crate) list: Option<String>,
    /// `-F arch=`.
    pub(crate) arch: Option<String>,
    /// Every syscall named by `-S`, in order.
    pub(crate) syscalls: Vec<String>,
    /// The other conditions as auditctl lists them (`-F auid>=1000`, `f24!=0`, `-C uid!=euid`).
    pub(crate) fields: Vec<String>,
    /// `-W` or `-d`: the line removes a rule rather than adding one.
    pub(crate) delete: bool,
}

/// Why a rule line could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RuleParseError {
    /// A quote is not closed.
    #[error("unterminated quote")]
    UnterminatedQuote,
    /// An option lacks its value.
    #[error("option `{0}` needs a value")]
    MissingValue(String),
    /// `-p` / `perm=` with a letter other than `r`, `w`, `x`, `a`.
    #[error("invalid permissions `{0}`, expected letters from `rwxa`")]
    BadPerms(String),
    /// `-a` without `action,list`.
    #[error("invalid `{option}` value `{value}`, expected `action,list`")]
    BadActionList {
        /// The option.
        option: String,
        /// Its value.
        value: String,
    },
    /// Neither `-w`, `-W`, `-a`, `-A` nor `-d`.
    #[error("not an audit rule: expected `-w`, `-W`, `-a`, `-A` or `-d`")]
    NotARule,
}

/// Splits a line into words like a shell: blanks separate, `'…'` and `"…"` quote, `\` escapes.
pub(crate) fn tokenize(line: &str) -> Result<Vec<String>, RuleParseError> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(RuleParseError::UnterminatedQuote),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(RuleParseError::UnterminatedQuote),
                        },
                        Some(c) => word.push(c),
                        None => return Err(RuleParseError::UnterminatedQuote),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Trims trailing `/` from a path, keeping `/` itself.
pub(crate) fn normalize_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() && path.starts_with('/') {
        "/".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The rule line to persist for a watch: `-w P -p wa -k K`.
pub(crate) fn watch_rule_line(path: &str, perms: Perms, key: Option<&str>) -> String {
    let mut line = format!("-w {} -p {perms}", quote_word(&normalize_path(path)));
    if let Some(key) = key {
        line.push_str(" -k ");
        line.push_str(&quote_word(key));
    }
    line
}

/// Quotes a word for a rules file when it holds blanks or quotes.
fn quote_word(word: &str) -> String {
    if word.is_empty()
        || word
            .chars()
            .any(|c| c.is_whitespace() || "'\"\\#".contains(c))
    {
        format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        word.to_owned()
    }
}

/// Splits `name<op>value` at its operator.
fn split_field(field: &str) -> (&str, &str, &str) {
    let Some(start) = field.find(['=', '!', '<', '>', '&']) else {
        return (field, "", "");
    };
    let rest = &field[start..];
    let op_len = ["!=", ">=", "<=", "&="]
        .iter()
        .find(|op| rest.starts_with(**op))
        .map_or(1, |op| op.len());
    (&field[..start], &rest[..op_len], &rest[op_len..])
}

impl AuditRule {
    /// Parses a rule line, as in a rules file or as `auditctl -l` prints it.
    pub(crate) fn parse_line(line: &str) -> Result<AuditRule, RuleParseError> {
        let words = tokenize(line)?;
        Self::parse_words(&words)
    }

    /// Parses the words of a rule line.
    pub(crate) fn parse_words(words: &[String]) -> Result<AuditRule, RuleParseError> {
        let mut rule = AuditRule {
            kind: RuleKind::Other,
            path: None,
            perms: None,
            keys: Vec::new(),
            action: None,
            action_text: None,
            list: None,
            arch: None,
            syscalls: Vec::new(),
            fields: Vec::new(),
            delete: false,
        };
        let mut watch = None;
        let mut path_field = None;
        let mut dir_field = None;
        let mut seen_rule_option = false;
        let mut iter = words.iter();
        while let Some(word) = iter.next() {
            let mut value = |option: &str| {
                iter.next()
                    .cloned()
                    .ok_or_else(|| RuleParseError::MissingValue(option.to_owned()))
            };
            match word.as_str() {
                "-w" | "-W" => {
                    watch = Some(value(word)?);
                    rule.delete = word == "-W";
                    seen_rule_option = true;
                }
                "-p" => {
                    let text = value(word)?;
                    rule.perms =
                        Some(Perms::parse(&text).ok_or(RuleParseError::BadPerms(text.clone()))?);
                }
                "-k" => rule.keys.push(value(word)?),
                "-a" | "-A" | "-d" => {
                    let text = value(word)?;
                    let (first, second) =
                        text.split_once(',')
                            .ok_or_else(|| RuleParseError::BadActionList {
                                option: word.clone(),
                                value: text.clone(),
                            })?;
                    // auditctl takes either order; see inspec/inspec#4664.
                    let (action, list) = if matches!(second, "always" | "never") {
                        (second, first)
                    } else {
                        (first, second)
                    };
                    rule.action = match action {
                        "always" => Some(Action::Always),
                        "never" => Some(Action::Never),
                        _ => None,
                    };
                    rule.action_text = Some(action.to_owned());
                    rule.list = Some(list.to_owned());
                    rule.delete = word == "-d";
                    seen_rule_option = true;
                }
                "-S" => {
                    let text = value(word)?;
                    rule.syscalls
                        .extend(text.split(',').filter(|s| !s.is_empty()).map(str::to_owned));
                }
                "-F" => {
                    let field = value(word)?;
                    match split_field(&field) {
                        ("arch", "=", v) => rule.arch = Some(v.to_owned()),
                        ("path", "=", v) => path_field = Some(v.to_owned()),
                        ("dir", "=", v) => dir_field = Some(v.to_owned()),
                        ("key", "=", v) => rule.keys.push(v.to_owned()),
                        ("perm", "=", v) => {
                            rule.perms = Some(
                                Perms::parse(v).ok_or(RuleParseError::BadPerms(v.to_owned()))?,
                            );
                        }
                        _ => rule.fields.push(format!("-F {field}")),
                    }
                }
                "-C" => {
                    let field = value(word)?;
                    rule.fields.push(format!("-C {field}"));
                }
                // auditctl lists fields it has no name for bare, e.g. `f24!=0`.
                other => rule.fields.push(other.to_owned()),
            }
        }
        if !seen_rule_option {
            return Err(RuleParseError::NotARule);
        }
        if let Some(path) = watch {
            rule.kind = RuleKind::Watch;
            rule.path = Some(normalize_path(&path));
            rule.action = Some(Action::Always);
            rule.action_text = Some("always".into());
            rule.list = Some("exit".into());
        } else if let Some(path) = path_field {
            rule.kind = RuleKind::PathSyscall;
            rule.path = Some(normalize_path(&path));
        } else if let Some(path) = dir_field {
            rule.kind = RuleKind::DirSyscall;
            rule.path = Some(normalize_path(&path));
        }
        if rule.delete || rule.list.as_deref() != Some("exit") {
            // A deletion, or a path on a list other than `exit`, watches nothing; the path is
            // kept so that messages can say why the rule does not count.
            rule.kind = RuleKind::Other;
        }
        Ok(rule)
    }

    /// The classes it records: `-p` / `perm=`, or all of them when absent.
    pub(crate) fn effective_perms(&self) -> Perms {
        self.perms.unwrap_or(Perms::ALL)
    }

    /// Whether every syscall is covered (no `-S`, or `-S all`).
    fn all_syscalls(&self) -> bool {
        self.syscalls.is_empty() || self.syscalls.iter().any(|s| s == "all")
    }

    /// Whether it is a watch on its path in the kernel's sense: it records (`always`) on the
    /// `exit` list, for every syscall, with no condition but the path, the permissions, the
    /// key and possibly the architecture. `-F dir=` counts: it watches the directory too.
    pub(crate) fn is_watch(&self) -> bool {
        self.kind != RuleKind::Other
            && self.path.is_some()
            && !self.delete
            && self.action == Some(Action::Always)
            && self.list.as_deref() == Some("exit")
            && self.all_syscalls()
            && self.fields.is_empty()
    }

    /// Why a rule on the right path still does not count as a watch, in plain words; `None`
    /// when it does.
    pub(crate) fn why_not_watch(&self) -> Option<String> {
        if self.delete {
            return Some("it removes a rule instead of adding one".into());
        }
        if self.action == Some(Action::Never) {
            return Some(
                "it is a `never` rule, which suppresses events instead of recording them".into(),
            );
        }
        if self.action != Some(Action::Always) {
            return Some(format!(
                "its action is `{}`, not `always`",
                self.action_text.as_deref().unwrap_or("")
            ));
        }
        if self.list.as_deref() != Some("exit") {
            return Some(format!(
                "it is on the `{}` list, not `exit`",
                self.list.as_deref().unwrap_or("")
            ));
        }
        if !self.all_syscalls() {
            return Some(format!(
                "it only records the syscalls `{}`",
                self.syscalls.join(",")
            ));
        }
        if !self.fields.is_empty() {
            return Some(format!(
                "it only records events that also match `{}`",
                self.fields.join(" ")
            ));
        }
        None
    }

    /// The line `auditctl -l` prints for this rule (without kernel-side renumbering: syscalls
    /// keep the order written, exit codes are not turned into names).
    pub(crate) fn listing(&self) -> String {
        if let (Some(path), true, None) = (
            &self.path,
            self.is_watch() && (self.perms.is_some() || self.kind == RuleKind::Watch),
            &self.arch,
        ) {
            let mut line = format!("-w {path} -p {}", self.effective_perms());
            for key in &self.keys {
                line.push_str(" -k ");
                line.push_str(key);
            }
            return line;
        }
        let mut line = format!(
            "-{} {},{}",
            if self.delete { 'd' } else { 'a' },
            self.action_text.as_deref().unwrap_or(""),
            self.list.as_deref().unwrap_or("")
        );
        if let Some(arch) = &self.arch {
            line.push_str(" -F arch=");
            line.push_str(arch);
        }
        if self.list.as_deref() == Some("exit") {
            line.push_str(" -S ");
            if self.all_syscalls() {
                line.push_str("all");
            } else {
                line.push_str(&self.syscalls.join(","));
            }
        }
        match self.kind {
            RuleKind::PathSyscall | RuleKind::Watch => {
                if let Some(path) = &self.path {
                    line.push_str(" -F path=");
                    line.push_str(path);
                }
            }
            RuleKind::DirSyscall => {
                if let Some(path) = &self.path {
                    line.push_str(" -F dir=");
                    line.push_str(path);
                }
            }
            RuleKind::Other => {}
        }
        if let Some(perms) = self.perms {
            line.push_str(" -F perm=");
            line.push_str(&perms.to_string());
        }
        for field in &self.fields {
            line.push(' ');
            line.push_str(field);
        }
        for key in &self.keys {
            line.push_str(" -F key=");
            line.push_str(key);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn parse(line: &str) -> AuditRule {
        AuditRule::parse_line(line).expect("rule parses")
    }

    #[test]
    fn perms_parse_and_display_in_auditctl_order() {
        assert_eq!(Perms::parse("aw").map(|p| p.to_string()), Some("wa".into()));
        assert_eq!(Perms::parse("xarw"), Some(Perms::ALL));
        assert_eq!(Perms::parse("wq"), None);
        assert_eq!(Perms::parse(""), None);
        let wa = Perms::parse("wa").expect("valid");
        assert!(Perms::ALL.contains(wa));
        assert!(!Perms::parse("r").expect("valid").contains(wa));
        assert_eq!(
            Perms::parse("w").expect("valid").missing(wa).to_string(),
            "a"
        );
    }

    #[test]
    fn tokenize_is_shell_like() {
        assert_eq!(
            tokenize(r#"-w "/opt/my dir" -p wa -k 'a b'  "#).expect("ok"),
            vec!["-w", "/opt/my dir", "-p", "wa", "-k", "a b"]
        );
        assert_eq!(tokenize(r"-w /a\ b").expect("ok"), vec!["-w", "/a b"]);
        assert_eq!(tokenize("-w \"/x"), Err(RuleParseError::UnterminatedQuote));
    }

    #[test]
    fn watch_without_perms_is_rwxa() {
        let rule = parse("-w /usr/bin/docker -k docker");
        assert_eq!(rule.kind, RuleKind::Watch);
        assert_eq!(rule.effective_perms(), Perms::ALL);
        assert!(rule.is_watch());
        assert_eq!(rule.listing(), "-w /usr/bin/docker -p rwxa -k docker");
    }

    #[test]
    fn path_perm_rule_is_a_watch() {
        let a = parse("-a always,exit -F path=/usr/bin/docker -F perm=wa -k docker");
        let b = parse("-a exit,always -F path=/usr/bin/docker -F perm=aw -F key=docker");
        let w = parse("-w /usr/bin/docker -p wa -k docker");
        for rule in [&a, &b] {
            assert_eq!(rule.kind, RuleKind::PathSyscall);
            assert!(rule.is_watch());
            assert_eq!(rule.path, w.path);
            assert_eq!(rule.perms, w.perms);
            assert_eq!(rule.keys, w.keys);
            assert_eq!(rule.action, Some(Action::Always));
            assert_eq!(rule.list.as_deref(), Some("exit"));
            assert_eq!(rule.listing(), "-w /usr/bin/docker -p wa -k docker");
        }
    }

    #[test]
    fn trailing_slash_is_trimmed() {
        assert_eq!(
            parse("-w /var/lib/docker/ -k docker").path.as_deref(),
            Some("/var/lib/docker")
        );
        assert_eq!(parse("-w / -p wa").path.as_deref(), Some("/"));
        assert_eq!(
            parse("-a always,exit -F dir=/etc/docker/ -F perm=wa")
                .path
                .as_deref(),
            Some("/etc/docker")
        );
    }

    #[test]
    fn conditions_and_never_rules_are_not_watches() {
        let rule = parse(
            "-a always,exit -S all -F path=/usr/bin/chage -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged",
        );
        assert_eq!(rule.kind, RuleKind::PathSyscall);
        assert!(!rule.is_watch());
        assert!(
            rule.why_not_watch()
                .expect("reason")
                .contains("-F auid>=1000 -F auid!=-1")
        );
        let never = parse("-a never,exit -F path=/usr/bin/docker -F perm=wa");
        assert!(!never.is_watch());
        assert!(never.why_not_watch().expect("reason").contains("never"));
        let sys = parse("-a always,exit -F path=/usr/bin/docker -S open -F perm=wa");
        assert!(!sys.is_watch());
        assert!(!parse("-W /usr/bin/docker -p wa").is_watch());
    }

    #[test]
    fn syscall_rule_listing_merges_syscalls_and_keys() {
        let rule = parse("-a always,exit -F arch=b64 -S open -S openat -F exit=-EACCES -k access");
        assert_eq!(rule.kind, RuleKind::Other);
        assert_eq!(
            rule.listing(),
            "-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES -F key=access"
        );
        let dir = parse("-a always,exit -F arch=b64 -F dir=/etc/docker -F perm=wa -k docker");
        assert_eq!(dir.kind, RuleKind::DirSyscall);
        assert!(dir.is_watch());
        assert_eq!(
            dir.listing(),
            "-a always,exit -F arch=b64 -S all -F dir=/etc/docker -F perm=wa -F key=docker"
        );
    }

    #[test]
    fn listed_unknown_fields_are_kept() {
        let rule =
            parse("-a always,exit -F arch=b32 -S chmod,fchmod -F auid>=500 f24!=0 -F key=perm_mod");
        assert_eq!(rule.fields, vec!["-F auid>=500", "f24!=0"]);
        assert_eq!(rule.syscalls, vec!["chmod", "fchmod"]);
        assert_eq!(rule.keys, vec!["perm_mod"]);
    }

    #[test]
    fn bad_rules_are_errors() {
        assert_eq!(
            AuditRule::parse_line("-w"),
            Err(RuleParseError::MissingValue("-w".into()))
        );
        assert_eq!(
            AuditRule::parse_line("-w /x -p rq"),
            Err(RuleParseError::BadPerms("rq".into()))
        );
        assert_eq!(AuditRule::parse_line("-k x"), Err(RuleParseError::NotARule));
    }

    #[test]
    fn watch_rule_line_is_canonical() {
        let wa = Perms::parse("aw").expect("valid");
        assert_eq!(
            watch_rule_line("/etc/docker/", wa, Some("docker")),
            "-w /etc/docker -p wa -k docker"
        );
        assert_eq!(
            watch_rule_line("/opt/a b", wa, None),
            "-w \"/opt/a b\" -p wa"
        );
    }
}
