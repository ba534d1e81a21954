//! Reading `--emit asm` output: a function's body, its instructions, the constant it returns.
//!
//! FileCheck decides pass or fail; this module only measures (instruction counts for the seed's
//! claims, the `size_of` a size test's function returns), so it is deliberately simple: a body
//! runs from `name:` to the function's `.Lfunc_end` label or `.size` directive.

/// The lines of function `name`'s body, without its label, in the order emitted.
pub fn function_body<'a>(asm: &'a str, name: &str) -> Option<Vec<&'a str>> {
    let label = format!("{name}:");
    let mut lines = asm.lines();
    lines.by_ref().find(|l| l.trim() == label)?;
    let mut body = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.starts_with(".Lfunc_end") || t.starts_with(".size\t") || t.starts_with(".size ") {
            break;
        }
        body.push(line);
    }
    Some(body)
}

/// An instruction line: not empty, not a comment, not a label, not an assembler directive.
pub fn is_instruction(line: &str) -> bool {
    let t = strip_comment(line).trim();
    !(t.is_empty() || t.ends_with(':') || t.starts_with('.'))
}

/// Comments: `# ...` on x86, `@ ...` on ARM (where `#9` is an immediate, hence the space).
fn strip_comment(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with('@') {
        return "";
    }
    let cut = ["# ", "#\t", "@ ", "@\t"].iter().filter_map(|m| line.find(m)).min();
    match cut {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The instructions of function `name`, normalised (comments gone, whitespace collapsed).
pub fn instructions(asm: &str, name: &str) -> Option<Vec<String>> {
    Some(
        function_body(asm, name)?
            .into_iter()
            .filter(|l| is_instruction(l))
            .map(|l| strip_comment(l).split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
    )
}

/// The integer a function that folds to a constant returns: the immediate loaded into the
/// return register (`mov eax, 2050` on x86_64; `movs r0, #9`, `movw r0, #2050` or `mov.w r0, #..`
/// on Thumb). `None` when the body is not such a constant load.
pub fn returned_constant(asm: &str, name: &str) -> Option<u64> {
    for ins in instructions(asm, name)? {
        let mut parts = ins.splitn(2, ' ');
        let op = parts.next()?;
        let operands = parts.next().unwrap_or("");
        let mut ops = operands.split(',').map(str::trim);
        let (dst, src) = (ops.next()?, ops.next().unwrap_or(""));
        let is_ret_reg = matches!(dst, "eax" | "rax" | "r0");
        let is_mov = op.starts_with("mov");
        if is_mov && is_ret_reg {
            let imm = src.trim_start_matches('#');
            return if let Some(hex) = imm.strip_prefix("0x") {
                u64::from_str_radix(hex, 16).ok()
            } else {
                imm.parse().ok()
            };
        }
        if op == "xor" && dst == "eax" && src == "eax" {
            return Some(0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const X86: &str = "\t.section\t.text.xx,\"ax\",@progbits\n\t.globl\txx\n\t.p2align\t4\n\t.type\txx,@function\nxx:\n\t.cfi_startproc\n\tmov\teax, 9\n\tret\n.Lfunc_end0:\n\t.size\txx, .Lfunc_end0-xx\n";
    const THUMB: &str = "\t.type\tsize_leaf,%function\n\t.code\t16\n\t.thumb_func\nsize_leaf:\n\t.fnstart\n\t.save\t{r7, lr}\n\tpush\t{r7, lr}\n\t.setfp\tr7, sp\n\tmov\tr7, sp\n\tmovw\tr0, #2050\n\tpop\t{r7, pc}\n.Lfunc_end3:\n";

    #[test]
    fn body_and_instructions() {
        assert_eq!(instructions(X86, "xx").unwrap(), vec!["mov eax, 9", "ret"]);
        assert_eq!(instructions(THUMB, "size_leaf").unwrap().len(), 4);
        assert!(instructions(X86, "missing").is_none());
    }

    #[test]
    fn constants() {
        assert_eq!(returned_constant(X86, "xx"), Some(9));
        assert_eq!(returned_constant(THUMB, "size_leaf"), Some(2050));
    }
}
