//! The listening side of the server: threads that accept connections and
//! hand each to hyper, bounded and shut down gracefully (see [`serve`]).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::{Limits, Shared, respond_async};

/// Accepts connections until `shutdown` resolves, then lets in-flight
/// responses finish (up to `limits.shutdown_grace`).
///
/// One thread per core, each with its own single-threaded runtime, all
/// accepting on the one listening socket (nginx's worker processes, in
/// threads). A connection lives on the thread that accepted it: its
/// requests and responses never wake another thread. With one shared
/// work-stealing runtime, context switches and futex wake-ups were about a
/// third of a `perf` profile under `wrk`; this way serves 1.2 to 1.5 times
/// nginx's rate on the benchmark. The daemon's own work (rebuilds,
/// publishing) stays on the caller's runtime. The cost, measured: when a
/// load on the same machine saturates the cores, these threads take more
/// of them from a rebuild, and an edit waits longer to be served (README,
/// Performance). A lower priority for them gave that back but lost the
/// serving rate, so they run at the default one, and give way instead
/// (`sched_yield`) once per request while an edit is being applied
/// ([`Shared::rebuilding`]): the rebuild's threads run sooner, and serving
/// is slowed for those few milliseconds only.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let listener = match listener.into_std() {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "cannot take the listening socket");
            return;
        }
    };
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut workers = Vec::with_capacity(cores);
    for i in 0..cores {
        let (listener, shared, permits) = match listener.try_clone() {
            Ok(l) => (l, shared.clone(), permits.clone()),
            Err(e) => {
                tracing::error!(error = %e, "cannot share the listening socket");
                break;
            }
        };
        let mut stopped = stopped.clone();
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let worker = std::thread::Builder::new()
            .name(format!("almanac-http-{i}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                let runtime = match runtime {
                    Ok(r) => r,
                    Err(e) => return tracing::error!(error = %e, "cannot start an HTTP thread"),
                };
                runtime.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(listener) else {
                        return tracing::error!("cannot listen on an HTTP thread");
                    };
                    let stop = async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    };
                    accept(listener, shared, limits, permits, stop).await;
                });
                drop(done);
            });
        match worker {
            Ok(_) => workers.push(finished),
            Err(e) => tracing::error!(error = %e, "cannot start an HTTP thread"),
        }
    }
    // Each thread holds its own descriptor: the socket closes (new
    // connections are refused) once all have stopped accepting.
    drop(listener);
    shutdown.await;
    let _ = stop.send(true);
    for finished in workers {
        let _ = finished.await;
    }
}

/// One thread's accept loop (see [`serve`]): `permits` is shared by all,
/// so `max_connections` bounds the whole server.
async fn accept(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: Limits,
    permits: Arc<Semaphore>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(ok) => ok,
                Err(e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let conn = http.serve_connection(
            TokioIo::new(stream),
            service_fn(move |req| {
                // An edit being applied: its threads first (see `serve`).
                if shared.rebuilding.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::yield_now();
                }
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(respond_async(req, shared).await) }
            }),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(limits.shutdown_grace) => tracing::warn!("shutdown grace period over; closing remaining connections"),
    }
}
