/**
 * Whom to call in a crisis, named the same on every page that names a crisis line (the footer and the
 * concern form): 911 in an emergency; 9-8-8, Canada's suicide crisis line (call or text, since 2023); and
 * BC's 24-hour crisis lines.
 */

export function EmergencyLine() {
  return (
    <div class="notice notice-emergency" role="note" aria-label="In an emergency">
      <p>
        <strong>PeerPath is not an emergency service.</strong> If someone is in immediate danger, call{' '}
        <a href="tel:911">911</a>. For a mental health crisis, call or text <a href="tel:988">9-8-8</a>, or
        call the 24-hour crisis line <a href="tel:18007842433">1-800-784-2433</a> or{' '}
        <a href="tel:3106789">310-6789</a> (no area code).
      </p>
    </div>
  );
}

export function Footer() {
  return (
    <footer class="footer">
      <p>
        PeerPath is not an emergency service. In an emergency call 911; in a mental health crisis call or text
        9-8-8, or call 1-800-784-2433 or 310-6789.
      </p>
    </footer>
  );
}
