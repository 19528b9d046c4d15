//! Work shared out to threads, results taken back in input order: how
//! CoNLL-U is read in chunks (`sources`) and strata exported in batches
//! (`export`) on several threads with the output of one.

use std::collections::BTreeMap;
use std::sync::{mpsc, Mutex};

/// Runs `work` on `threads` threads over the items `next` gives, and hands
/// the results to `take` in the order of the items. Each thread works with
/// state of its own, made by `state`; `next` and `take` run on this thread
/// and share `ctx` (buffers that go round, say). At most `2 * threads + 1`
/// items are out at a time: enough to keep every thread busy while the
/// next one in order is still being worked on, and no more.
///
/// # Errors
/// `take`'s error, which stops the run. A panic in `work`, or `work`
/// giving `None`, stops it too, with an error naming the threads `what`
/// (as in "a reading thread panicked"): results wait for every item
/// before them, so an item lost would hang them.
pub fn in_order<C, S, W: Send, R: Send>(
    threads: usize,
    what: &str,
    ctx: &mut C,
    mut next: impl FnMut(&mut C) -> Option<W>,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, W) -> Option<R> + Sync,
    mut take: impl FnMut(&mut C, R) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let in_flight = 2 * threads as u64 + 1;
    let (work_tx, work_rx) = mpsc::channel::<(u64, W)>();
    let work_rx = Mutex::new(work_rx);
    let (state, work) = (&state, &work);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        // Moved in, so that the threads stop when this returns, early too.
        let work_tx = work_tx;
        // A result, or `None` when its work failed or panicked.
        let (done_tx, done_rx) = mpsc::channel::<(u64, Option<R>)>();
        for _ in 0..threads {
            let (work_rx, done_tx) = (&work_rx, done_tx.clone());
            scope.spawn(move || {
                let mut own = state();
                // The lock is held only to take an item.
                while let Ok((seq, item)) = work_rx.lock().map_err(drop).and_then(|rx| rx.recv().map_err(drop)) {
                    let result =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut own, item))).ok().flatten();
                    let failed = result.is_none();
                    if done_tx.send((seq, result)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let (mut sent, mut taken) = (0u64, 0u64);
        let mut more = true;
        let mut waiting: BTreeMap<u64, R> = BTreeMap::new();
        loop {
            if more && sent - taken < in_flight {
                match next(ctx) {
                    Some(item) => {
                        work_tx.send((sent, item)).map_err(|_| anyhow::anyhow!("the {what} threads stopped"))?;
                        sent += 1;
                        continue;
                    }
                    None => more = false,
                }
            }
            if taken == sent {
                return Ok(());
            }
            let (seq, result) = done_rx.recv().map_err(|_| anyhow::anyhow!("a {what} thread stopped"))?;
            waiting.insert(seq, result.ok_or_else(|| anyhow::anyhow!("a {what} thread panicked"))?);
            while let Some(result) = waiting.remove(&taken) {
                take(ctx, result)?;
                taken += 1;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::in_order;

    #[test]
    fn results_come_in_the_order_of_the_items() {
        for threads in 1..4 {
            let mut taken = Vec::new();
            let mut n = 0;
            in_order(
                threads,
                "test",
                &mut taken,
                |_| {
                    (n < 100).then(|| {
                        n += 1;
                        n
                    })
                },
                || (),
                |_, i| {
                    // Later items finish sooner, so that results arrive
                    // out of order.
                    std::thread::sleep(std::time::Duration::from_micros(100 - i as u64));
                    Some(i * 2)
                },
                |taken, r| {
                    taken.push(r);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(taken, (1..=100).map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_failed_or_panicking_item_stops_the_run_with_an_error() {
        for fail_by_panic in [false, true] {
            let mut n = 0;
            let err = in_order(
                2,
                "test",
                &mut (),
                |_| {
                    (n < 50).then(|| {
                        n += 1;
                        n
                    })
                },
                || (),
                |_, i| {
                    if i == 10 {
                        assert!(!fail_by_panic, "item 10");
                        return None;
                    }
                    Some(i)
                },
                |_, _| Ok(()),
            )
            .unwrap_err();
            assert_eq!(err.to_string(), "a test thread panicked", "by panic: {fail_by_panic}");
        }
    }
}
