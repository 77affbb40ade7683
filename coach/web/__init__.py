"""HTTP layer: blueprints, forms and the route access rules."""
