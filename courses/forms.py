from django import forms


class HeartbeatForm(forms.Form):
    """What a heartbeat may say: where the video is. Never how much time to credit, nor how long
    the video is (read from its file on the server; a sent length is ignored)."""

    video_position = forms.FloatField(required=False, min_value=0, max_value=24 * 3600)
    # The learner turned to this page since its last beat: it takes the study focus.
    takeover = forms.BooleanField(required=False)
