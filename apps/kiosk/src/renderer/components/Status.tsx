/** What a screen shows while loading or after a failure, in plain words. */
export function Status({ loading, error }: { loading?: boolean; error?: string | null }) {
  if (error) {
    return (
      <p className="status status-error" role="alert">
        {error}
      </p>
    );
  }
  if (loading) {
    return (
      <p className="status" role="status">
        Loading…
      </p>
    );
  }
  return null;
}
