//! YAML with budgets: the one parser of front matter and configuration
//! (serde-saphyr), with limits that refuse hostile documents quickly. A leaf:
//! it knows nothing of posts or configuration.

/// Deepest YAML nesting accepted in front matter or configuration: real front matter is flat.
const MAX_YAML_DEPTH: usize = 16;
/// Most YAML nodes accepted in front matter or configuration: far above any real post, far
/// below what an expanding "billion laughs" document needs.
const MAX_YAML_NODES: usize = 10_000;

/// Deserializes YAML with limits that refuse hostile documents (deep nesting,
/// alias bombs) quickly. Errors come back as `(line within the YAML, message)`.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, (usize, String)> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_YAML_DEPTH;
    budget.max_nodes = MAX_YAML_NODES;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_total_scalar_bytes = 4 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line() as usize).max(1);
        let msg = e.to_string();
        // The library appends its own "at line X column Y"; we give the line
        // in the file instead.
        let msg = match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        (
            line,
            msg.lines().next().unwrap_or("invalid YAML").to_string(),
        )
    })
}
