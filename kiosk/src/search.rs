//! Finding a matter by the pinyin initials of its name on the letter pad: 「ylbx」 finds
//! 城乡居民养老保险参保登记. Characters with several readings (行 xíng/háng, 长 cháng/zhǎng)
//! accept the initial of each reading, so a citizen's guess of either reading finds it.

use pinyin::ToPinyinMulti;

/// The initials of one matter name: for every character, the letters it may start with.
#[derive(Debug, Clone, PartialEq)]
pub struct Initials {
    letters: Vec<Vec<char>>,
}

impl Initials {
    pub fn of(name: &str) -> Initials {
        let letters = name
            .chars()
            .filter_map(|c| {
                if c.is_ascii_alphanumeric() {
                    return Some(vec![c.to_ascii_lowercase()]);
                }
                let multi = c.to_pinyin_multi()?;
                let mut set: Vec<char> = multi.into_iter().filter_map(|p| p.first_letter().chars().next()).collect();
                set.sort_unstable();
                set.dedup();
                (!set.is_empty()).then_some(set)
            })
            .collect();
        Initials { letters }
    }

    /// Where the typed letters match consecutive characters: `Some(0)` at the start.
    pub fn find(&self, typed: &str) -> Option<usize> {
        let typed: Vec<char> = typed.chars().map(|c| c.to_ascii_lowercase()).collect();
        if typed.is_empty() || typed.len() > self.letters.len() {
            return None;
        }
        (0..=self.letters.len() - typed.len())
            .find(|&start| typed.iter().enumerate().all(|(i, t)| self.letters[start + i].contains(t)))
    }

    /// The first reading's initials, shown beside a result ("cxjmylbxcbdj").
    pub fn plain(&self) -> String {
        self.letters.iter().filter_map(|s| s.first()).collect()
    }
}

/// Matter names with their initials, searched in order: matches at the start of a name
/// come first, then the others by where they match, then by name length.
pub struct SearchIndex {
    entries: Vec<(String, Initials)>,
}

impl SearchIndex {
    /// `items` are (matter id, matter name).
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> SearchIndex {
        SearchIndex { entries: items.into_iter().map(|(id, name)| (id.to_string(), Initials::of(name))).collect() }
    }

    /// Matter ids matching the typed initials, best first, at most `limit`.
    pub fn find(&self, typed: &str, limit: usize) -> Vec<String> {
        let mut hits: Vec<(usize, usize, usize, &str)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(order, (id, ini))| ini.find(typed).map(|at| (at, ini.letters.len(), order, id.as_str())))
            .collect();
        hits.sort_unstable();
        hits.into_iter().take(limit).map(|(_, _, _, id)| id.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, typed: &str, expected: Option<usize>) {
        assert_eq!(Initials::of(name).find(typed), expected, "{name} / {typed}");
    }

    #[test]
    fn initials_match_anywhere_in_the_name() {
        check("城乡居民养老保险参保登记", "ylbx", Some(4));
        check("城乡居民养老保险参保登记", "cxjm", Some(0));
        check("城乡居民养老保险参保登记", "YLBX", Some(4));
        check("最低生活保障申请", "dbsq", None);
        check("最低生活保障申请", "zdsh", Some(0));
        check("最低生活保障申请", "bzsq", Some(4));
        check("综合咨询", "", None);
        check("综合咨询", "zhzxx", None);
    }

    #[test]
    fn either_reading_of_a_heteronym_matches() {
        check("银行卡", "yhk", Some(0));
        check("银行卡", "yxk", Some(0));
        check("特困人员供养", "gy", Some(4));
    }

    #[test]
    fn results_rank_start_matches_first() {
        let idx =
            SearchIndex::new([("a", "城乡居民养老保险参保登记"), ("b", "养老保险关系转移"), ("c", "最低生活保障申请")]);
        assert_eq!(idx.find("ylbx", 10), vec!["b".to_string(), "a".to_string()]);
        assert_eq!(idx.find("ylbx", 1), vec!["b".to_string()]);
        assert!(idx.find("qqqq", 10).is_empty());
        assert_eq!(Initials::of("养老保险").plain(), "ylbx");
    }
}
