"""Status badges: each of the 10 permit statuses has its own colour AND its own icon (never colour alone)."""

# 16×16 icons, drawn in the badge's text colour.
STROKE = 'fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"'
STATUS_ICONS = {
    "draft": '<path fill="currentColor" d="M2 11.6V14h2.4l7.1-7.1-2.4-2.4z'
    'M13.8 4.6a.8.8 0 0 0 0-1.1l-1.3-1.3a.8.8 0 0 0-1.1 0l-1.2 1.2 2.4 2.4z"/>',
    "submitted": f'<path {STROKE} d="M4 1.8h8M4 14.2h8M5 1.8c0 3.6 6 4.6 6 6.2s-6 2.6-6 6.2'
    'M11 1.8c0 3.6-6 4.6-6 6.2s6 2.6 6 6.2"/>',
    "under_review": f'<circle {STROKE} cx="7" cy="7" r="4.6"/><path {STROKE} d="M10.4 10.4 14.2 14.2"/>',
    "approved": f'<circle {STROKE} cx="8" cy="8" r="6.3"/><path {STROKE} d="M5.2 8.3 7.2 10.2 10.9 6"/>',
    "active": '<path fill="currentColor" d="M4 2.2v11.6L13.8 8z"/>',
    "suspended": '<path fill="currentColor" d="M3.5 2.5h3.2v11H3.5zM9.3 2.5h3.2v11H9.3z"/>',
    "completed": f'<path {STROKE} d="M3.5 14.5V1.8"/><path fill="currentColor" d="M4.4 2h9.2l-2.2 3.2 2.2 3.2H4.4z"/>',
    "cancelled": f'<circle {STROKE} cx="8" cy="8" r="6.3"/><path {STROKE} d="M3.6 12.4 12.4 3.6"/>',
    "expired": f'<circle {STROKE} cx="8" cy="8" r="6.3"/><path {STROKE} d="M8 4.4V8l2.6 1.9"/>',
    "rejected": '<path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" '
    'd="M3.6 3.6l8.8 8.8M12.4 3.6l-8.8 8.8"/>',
}
