"""Phone notifications (Web Push): a member's devices, the app's VAPID keys, delivery."""
