/**
 * Rewards need attribution shares (a later part of the app): until a model trained on the user's
 * data is registered and used, there is nothing to claim, and this says so rather than show zeros
 * that look like a measured result.
 */
export function Rewards() {
  return (
    <div className="wallet-rewards-empty" data-testid="wallet-rewards">
      <p className="wallet-rewards-heading">No rewards yet</p>
      <p className="field-hint">Rewards arrive when a model trained on your data is used: each use pays a fee, attribution measures how much your contributions drove the output, and your share becomes claimable here.</p>
    </div>
  );
}
