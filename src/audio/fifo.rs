//! A fixed-capacity queue of stereo frames, allocated once: the buffer between a voice that
//! renders in steps of its own rate and the device that takes blocks of its own.

/// A ring of stereo frames.
#[derive(Clone, Debug)]
pub struct StereoFifo {
    frames: Box<[[f64; 2]]>,
    head: usize,
    len: usize,
}

impl StereoFifo {
    /// A queue that holds up to `capacity` frames.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { frames: vec![[0.0; 2]; capacity.max(1)].into_boxed_slice(), head: 0, len: 0 }
    }

    /// Frames queued.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Nothing queued.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room left.
    #[must_use]
    pub fn free(&self) -> usize {
        self.frames.len() - self.len
    }

    /// Forgets everything queued.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }

    /// Queues a frame; `false` (and the frame dropped) when full.
    #[inline]
    pub fn push(&mut self, l: f64, r: f64) -> bool {
        if self.len == self.frames.len() {
            return false;
        }
        let cap = self.frames.len();
        let at = (self.head + self.len) % cap;
        self.frames[at] = [l, r];
        self.len += 1;
        true
    }

    /// Takes up to `left.len()` frames into `left` and `right`; returns how many it took.
    pub fn pop_into(&mut self, left: &mut [f64], right: &mut [f64]) -> usize {
        let n = left.len().min(right.len()).min(self.len);
        let cap = self.frames.len();
        for i in 0..n {
            let [l, r] = self.frames[(self.head + i) % cap];
            left[i] = l;
            right[i] = r;
        }
        self.head = (self.head + n) % cap;
        self.len -= n;
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_come_out_in_order_across_the_wrap() {
        let mut f = StereoFifo::new(5);
        let (mut l, mut r) = ([0.0; 3], [0.0; 3]);
        let mut next = 0.0;
        let mut expect = 0.0;
        for _ in 0..10 {
            while f.push(next, -next) {
                next += 1.0;
            }
            assert_eq!(f.len(), 5);
            let n = f.pop_into(&mut l, &mut r);
            assert_eq!(n, 3);
            for i in 0..n {
                assert_eq!((l[i], r[i]), (expect, -expect));
                expect += 1.0;
            }
        }
    }
}
