"""The supervisors' console (指挥室): the closed loop's dashboard and its exports."""
