//! Figures of one storm, from the times REGISTERs went out and agents became registered.

/// The most events in any window of `window_ms` milliseconds. `sorted` are event times in ms.
pub fn peak_in_window(sorted: &[u64], window_ms: u64) -> usize {
    let mut start = 0;
    let mut peak = 0;
    for (end, &at) in sorted.iter().enumerate() {
        while sorted.get(start).is_some_and(|&first| first + window_ms <= at) {
            start += 1;
        }
        peak = peak.max(end + 1 - start);
    }
    peak
}

/// How many events fell in each `bucket_ms` from `origin`, for a small histogram.
pub fn histogram(sorted: &[u64], origin: u64, bucket_ms: u64) -> Vec<usize> {
    let mut buckets: Vec<usize> = Vec::new();
    for &at in sorted {
        let index = (at.saturating_sub(origin) / bucket_ms.max(1)) as usize;
        if buckets.len() <= index {
            buckets.resize(index + 1, 0);
        }
        if let Some(count) = buckets.get_mut(index) {
            *count += 1;
        }
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_is_the_busiest_window_not_the_busiest_aligned_second() {
        // 4 events in second 0 and 3 early in second 1: 7 within one second, 4 within 100 ms.
        let times = [100, 900, 950, 990, 1_010, 1_050, 1_080, 3_000];
        assert_eq!(peak_in_window(&times, 1_000), 7);
        assert_eq!(peak_in_window(&times, 100), 4);
        assert_eq!(peak_in_window(&[], 1_000), 0);
    }

    #[test]
    fn the_histogram_counts_each_bucket_from_the_origin() {
        assert_eq!(histogram(&[1_000, 1_050, 1_250, 1_260], 1_000, 100), [2, 0, 2]);
    }
}
