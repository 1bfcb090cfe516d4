//! Byte offset → 1-based line and column (Unicode scalar values; a `\r` before `\n` is not
//! part of the line).

#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let column = text[start..offset].trim_end_matches('\r').chars().count() + 1;
        (line + 1, column)
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_scalar_values_and_lines() {
        let t = "é\r\nab😀c";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(t, 0), (1, 1));
        assert_eq!(ix.line_col(t, 2), (1, 2));
        assert_eq!(ix.line_col(t, 3), (1, 2));
        assert_eq!(ix.line_col(t, t.find('c').unwrap()), (2, 4));
    }
}
